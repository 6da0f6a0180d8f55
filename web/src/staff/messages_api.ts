// Patient messages, staff side (docs/api.md, "Patient messages"): the messages that could not be
// delivered and putting one back in the queue; reminder hours, SMS webhook and hold minutes; the
// clinic's own wording of each kind of message, previewed before it is saved.
import type { StaffClient } from "./api";

export interface Wording { subject: string; text: string; sms: string }
export interface TemplateRow {
  kind: string; label: string; default: Wording; own: (Wording & { updated_at: string }) | null;
}
export interface Templates { placeholders: string[]; templates: TemplateRow[] }
export interface Preview { subject: string; text: string; html: string; sms: string; sms_length: number }
export interface MessageSettings {
  reminder_hours: number; sms_webhook_url: string; sms_webhook_secret_set: boolean; hold_minutes: number;
  waitlist_offer_minutes: number; waitlist_offers_at_once: number;
}
export interface DeadMessage {
  id: number; kind: string; channel: "email" | "sms"; status: string; attempts: number; last_error: string;
  created_at: string; due_at: string;
  appointment: { id: number; start: string; practitioner: { display_name: string }; service: { name: string } } | null;
  patient: { id: number; given_name: string; family_name: string; email: string; phone: string } | null;
}

export const deadMessages = (client: StaffClient) =>
  client.get<{ messages: DeadMessage[] }>("/messages?status=dead").then((r) => r.messages);
export const retryMessage = (client: StaffClient, id: number) =>
  client.post<{ message: DeadMessage }>(`/messages/${id}/retry`).then((r) => r.message);

export const messageSettings = (client: StaffClient) => client.get<MessageSettings>("/setup/messages");
export const saveMessageSettings = (client: StaffClient, change: Partial<MessageSettings> & { sms_webhook_secret?: string }) =>
  client.put<MessageSettings>("/setup/messages", change);

export const messageTemplates = (client: StaffClient) => client.get<Templates>("/setup/messages/templates");
export const saveTemplate = (client: StaffClient, kind: string, wording: Wording) =>
  client.put<Wording>(`/setup/messages/templates/${encodeURIComponent(kind)}`, wording);
export const resetTemplate = (client: StaffClient, kind: string) =>
  client.del(`/setup/messages/templates/${encodeURIComponent(kind)}`);
export const previewTemplate = (client: StaffClient, kind: string, wording: Wording) =>
  client.post<Preview>(`/setup/messages/templates/${encodeURIComponent(kind)}/preview`, wording);

export const KIND_LABELS: Record<string, string> = {
  booked: "confirmation", requested: "request received", approved: "request approved",
  declined: "request declined", cancelled: "cancellation", moved: "new time", reminder: "reminder",
  waitlist_offer: "waitlist offer",
};

/** The wording in force for a kind: the clinic's own, else the built-in one. */
export function wordingOf(row: TemplateRow): Wording {
  const w = row.own ?? row.default;
  return { subject: w.subject, text: w.text, sms: w.sms };
}

/** Placeholders used in `text` that the server will refuse (it names the field too). */
export function unknownPlaceholders(text: string, known: string[]): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{([^}]*)\}\}/g)) if (!known.includes(m[1]) && !out.includes(m[1])) out.push(m[1]);
  return out;
}

/** "1 attempt", "8 attempts", and the channel in plain words, for the list of dead messages. */
export function describeDead(m: Pick<DeadMessage, "kind" | "channel" | "attempts">): string {
  const what = KIND_LABELS[m.kind] ?? m.kind;
  return `${what} by ${m.channel === "sms" ? "SMS" : "e-mail"}, ${m.attempts} attempt${m.attempts === 1 ? "" : "s"}`;
}
