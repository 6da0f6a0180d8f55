// Visit notes (SOAP) for the staff app (issue 15; docs/api.md "Visit notes"): the requests, the
// shapes, and the logic the note page needs without the DOM: findings toggled on the body map,
// their text equivalents, what signing still needs, and the debounced autosave that sends the
// version it last saw.
import type { StaffApiError, StaffClient } from "./api";

export type Side = "left" | "right";
export type FindingSize = "small" | "medium" | "large";
export type Technique = "art" | "deep_tissue_massage";
export type Pressure = "light" | "moderate" | "firm";

export interface KnotFinding {
  region: string; side: Side | null; size: FindingSize; tenderness: number;
  taut_band: boolean; twitch_response: boolean; reproduces_referral: boolean;
}
export interface NoteContent {
  subjective: { words: string; pain: number | null; sleep: string | null; limits_movement: boolean; movements: string[] };
  objective: { findings: string; knots: KnotFinding[] };
  treatment: { technique: Technique | null; muscles: string[]; minutes: number; pressure: Pressure;
    pain_before: number | null; pain_after: number | null };
  assessment_plan: string;
}
export interface StaffRef { id: number; name: string | null }
export interface Addendum { sequence: number; text: string; author: StaffRef; signed_at: string }
export interface VisitNote {
  id: number | null; appointment_id: number; patient_id: number; practitioner_id: number;
  status: "draft" | "signed"; version: number; content: NoteContent; author: StaffRef | null;
  created_at: string | null; updated_at: string | null; signed_by: StaffRef | null; signed_at: string | null;
  addenda: Addendum[];
}
/** A knot the patient marked in the self-assessment (its stored input). */
export interface PatientMark { region: string; side?: string | null; pain?: number; size?: string }
export interface NoteVisit {
  id: number; start: string; end: string; status: string;
  practitioner: { id: number; display_name?: string } | number; service: { id: number; name: string };
  [k: string]: unknown;
}
export interface NoteView {
  note: VisitNote; saved: boolean; visit: NoteVisit;
  patient: { id: number; given_name: string; family_name: string; [k: string]: unknown };
  self_assessment: { id: number; created_at: string; knots: PatientMark[] } | null;
  muscles: { id: string; name: string }[];
}

const visitPath = (appointment: number) => `/visits/${appointment}/note`;

export const getNote = (client: StaffClient, appointment: number) =>
  client.get<NoteView>(visitPath(appointment));
export const saveNote = (client: StaffClient, appointment: number, version: number, content: NoteContent) =>
  client.put<{ note: VisitNote }>(visitPath(appointment), { version, ...content }).then((r) => r.note);
export const signNote = (client: StaffClient, appointment: number, version: number) =>
  client.post<{ note: VisitNote }>(`${visitPath(appointment)}/sign`, { version }).then((r) => r.note);
export const addAddendum = (client: StaffClient, appointment: number, text: string) =>
  client.post<{ note: VisitNote }>(`${visitPath(appointment)}/addenda`, { text }).then((r) => r.note);
export const patientNotes = (client: StaffClient, patient: number) =>
  client.get<{ notes: { note: VisitNote; visit: NoteVisit }[] }>(`/patients/${patient}/notes`).then((r) => r.notes);

/** The body map's key of a finding or mark: "region:side", or "region" in the middle. */
export function markKey(region: string, side?: string | null): string {
  return side ? `${region}:${side}` : region;
}

/** A new finding at a region with the defaults a practitioner then adjusts. */
export function newFinding(region: string, side?: string | null): KnotFinding {
  return { region, side: side === "left" || side === "right" ? side : null, size: "small", tenderness: 1,
    taut_band: false, twitch_response: false, reproduces_referral: false };
}

/** The findings after a press on the map: a finding there is removed, else one is added at the end. */
export function toggleFinding(knots: KnotFinding[], region: string, side?: string | null): KnotFinding[] {
  const key = markKey(region, side);
  const at = knots.findIndex((k) => markKey(k.region, k.side) === key);
  if (at >= 0) return knots.filter((_, i) => i !== at);
  return [...knots, newFinding(region, side)];
}

const TENDERNESS = ["no tenderness", "mild tenderness", "moderate tenderness", "severe tenderness"];
const SIZES: Record<string, string> = { small: "small", medium: "medium", large: "large" };

export function regionName(regions: Map<string, string>, region: string, side?: string | null): string {
  const name = regions.get(region) ?? region.replace(/_/g, " ");
  return side ? `${name} (${side})` : name;
}

/** A finding in words, the map's text equivalent: "Top of the shoulder (right): medium knot, …". */
export function findingText(k: KnotFinding, regions: Map<string, string>): string {
  const parts = [`${SIZES[k.size] ?? k.size} knot`, `${TENDERNESS[k.tenderness] ?? `tenderness ${k.tenderness}`} (${k.tenderness}/3)`];
  if (k.taut_band) parts.push("taut band");
  if (k.twitch_response) parts.push("local twitch response");
  if (k.reproduces_referral) parts.push("reproduces the referred pain");
  return `${regionName(regions, k.region, k.side)}: ${parts.join(", ")}`;
}

/** A patient's mark in words: "Top of the shoulder (right), pain 6/10". */
export function markText(m: PatientMark, regions: Map<string, string>): string {
  return `${regionName(regions, m.region, m.side)}${typeof m.pain === "number" ? `, pain ${m.pain}/10` : ""}`;
}

/** What the map colours: the practitioner's findings ("tp"), the patient's marks ("referral"). */
export function mapHighlight(keys: { region: string; side?: string | null }[], cls: "tp" | "referral"): Map<string, string> {
  return new Map(keys.map((k) => [markKey(k.region, k.side), cls]));
}

/** What signing still needs, as the server checks it: [field, words] pairs; empty when ready. */
export function signingNeeds(c: NoteContent): [string, string][] {
  const out: [string, string][] = [];
  if (c.subjective.pain === null) out.push(["subjective.pain", "the patient's pain (0 to 10)"]);
  if (!c.treatment.technique) out.push(["treatment.technique", "the technique"]);
  if (!(c.treatment.minutes >= 1)) out.push(["treatment.minutes", "the minutes of treatment"]);
  if (c.treatment.pain_before === null) out.push(["treatment.pain_before", "the pain before treatment"]);
  if (c.treatment.pain_after === null) out.push(["treatment.pain_after", "the pain after treatment"]);
  if (!c.assessment_plan.trim()) out.push(["assessment_plan", "the assessment and plan"]);
  return out;
}

export type SaveState =
  | { kind: "idle" } | { kind: "pending" } | { kind: "saving" } | { kind: "saved"; at: Date }
  | { kind: "conflict"; current: VisitNote | null; message: string } | { kind: "failed"; error: StaffApiError };

export interface Autosaver {
  /** The content changed: save it after the quiet delay (a later change restarts the wait). */
  change(content: NoteContent): void;
  /** Save what is waiting now (before signing); resolves with the stored note, or null on failure. */
  flush(): Promise<VisitNote | null>;
  version(): number;
  /** Whether a change is not saved yet (waiting, or kept after a failed save). */
  dirty(): boolean;
  dispose(): void;
}

/**
 * Debounced autosave of a draft: one save at a time, each with the version the previous one
 * returned; a change during a save is saved after it. A 409 stops autosaving (the note was
 * signed or saved elsewhere) and reports the note as it is now.
 */
export function createAutosaver(opts: {
  version: number; delayMs?: number;
  save: (version: number, content: NoteContent) => Promise<VisitNote>;
  onState: (s: SaveState) => void; onSaved?: (note: VisitNote) => void;
}): Autosaver {
  const delay = opts.delayMs ?? 800;
  let version = opts.version;
  let waiting: NoteContent | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<VisitNote | null> | null = null;
  let last: VisitNote | null = null;  // the last save's note; null after a failed one
  let stopped = false;

  // One save of what is waiting. After a success, what changed meanwhile follows at once unless
  // its quiet delay is still running; after a failure nothing is retried until the next change
  // or flush (no loop against a server that is down).
  const run = async (): Promise<VisitNote | null> => {
    while (running) await running;
    if (!waiting || stopped) return last;
    const content = waiting;
    waiting = null;
    opts.onState({ kind: "saving" });
    running = opts.save(version, content).then((note) => {
      version = note.version;
      last = note;
      opts.onSaved?.(note);
      opts.onState(waiting ? { kind: "pending" } : { kind: "saved", at: new Date() });
      return note;
    }, (error: StaffApiError) => {
      last = null;
      if (error.status === 409) {
        stopped = true;
        const current = (error.problem as { note?: VisitNote } | null)?.note ?? null;
        opts.onState({ kind: "conflict", current, message: error.problem?.detail ?? "The note changed elsewhere." });
      } else {
        waiting ??= content;  // kept, so the next change or flush tries again
        opts.onState({ kind: "failed", error });
      }
      return null;
    }).finally(() => { running = null; });
    const note = await running;
    if (note && waiting && !stopped && !timer) return run();
    return note;
  };

  return {
    change(content) {
      if (stopped) return;
      waiting = content;
      opts.onState({ kind: "pending" });
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => { timer = null; void run(); }, delay);
    },
    async flush() {
      if (timer) { clearTimeout(timer); timer = null; }
      while (running) await running;
      return waiting && !stopped ? run() : last;
    },
    version: () => version,
    dirty: () => waiting !== null,
    dispose() { stopped = true; if (timer) clearTimeout(timer); },
  };
}
