import { describe, expect, it, vi } from "vitest";
import { StaffClient } from "./api";
import { deadMessages, describeDead, previewTemplate, retryMessage, saveMessageSettings, unknownPlaceholders,
  wordingOf } from "./messages_api";

function client(answer: unknown, status = 200) {
  const fetcher = vi.fn(async (..._args: unknown[]) => new Response(answer === null ? "" : JSON.stringify(answer), { status }));
  const c = new StaffClient("/api/v1/clinics/demo", () => {}, fetcher as unknown as typeof fetch);
  c.csrf = "csrf-1";
  return { c, fetcher };
}

describe("messages_api", () => {
  it("lists dead messages and retries one with the CSRF token", async () => {
    const { c, fetcher } = client({ messages: [{ id: 4 }] });
    expect(await deadMessages(c)).toEqual([{ id: 4 }]);
    expect(fetcher.mock.calls[0][0]).toBe("/api/v1/clinics/demo/messages?status=dead");
    const retry = client({ message: { id: 4, status: "queued" } });
    expect((await retryMessage(retry.c, 4)).status).toBe("queued");
    const [url, init] = retry.fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/clinics/demo/messages/4/retry");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("csrf-1");
  });

  it("sends settings and previews as JSON", async () => {
    const { c, fetcher } = client({ reminder_hours: 12 });
    await saveMessageSettings(c, { reminder_hours: 12, hold_minutes: 9 });
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/clinics/demo/setup/messages");
    expect(init.method).toBe("PUT");
    expect(JSON.parse(init.body as string)).toEqual({ reminder_hours: 12, hold_minutes: 9 });
    const p = client({ subject: "s", text: "t", html: "<p>t</p>", sms: "x", sms_length: 1 });
    await previewTemplate(p.c, "reminder", { subject: "a", text: "b", sms: "c" });
    expect(p.fetcher.mock.calls[0][0]).toBe("/api/v1/clinics/demo/setup/messages/templates/reminder/preview");
  });

  it("finds placeholders the server would refuse", () => {
    const known = ["given_name", "time"];
    expect(unknownPlaceholders("Hi {{given_name}} at {{time}}", known)).toEqual([]);
    expect(unknownPlaceholders("{{name}} {{token}} {{name}}", known)).toEqual(["name", "token"]);
  });

  it("takes the clinic's own wording over the built-in one", () => {
    const d = { subject: "d", text: "d", sms: "d" };
    expect(wordingOf({ kind: "booked", label: "", default: d, own: null })).toEqual(d);
    expect(wordingOf({ kind: "booked", label: "", default: d,
      own: { subject: "o", text: "o", sms: "o", updated_at: "2026-12-01T00:00:00Z" } })).toEqual({ subject: "o", text: "o", sms: "o" });
  });

  it("says what a dead message was", () => {
    expect(describeDead({ kind: "reminder", channel: "sms", attempts: 1 })).toBe("reminder by SMS, 1 attempt");
    expect(describeDead({ kind: "booked", channel: "email", attempts: 8 })).toBe("confirmation by e-mail, 8 attempts");
  });
});
