// Outcome measures over visits (issue 15): the pure part of the chart the staff and the patient
// see (scales, points, the words of the callouts) and of the staff's record form. The server
// decides what counts as a meaningful change (src/core/clinical/outcomes.hpp, with the minimal
// clinically important differences of the shared domain file outcomes.md); this only shows it.

export interface PsfsItem { activity: string; score: number }
export interface OutcomeValues {
  pain: number; sleep: "none" | "some" | "severe"; movements: string[]; psfs: PsfsItem[]; psfs_score?: number;
}
export interface OutcomeVisit extends OutcomeValues {
  appointment: number; start: string; practitioner?: number; service?: number; version?: number;
}
export interface OutcomeChange {
  measure: "pain" | "sleep" | "movement" | "psfs" | "psfs_item"; item?: number; activity?: string;
  first: number; latest: number; direction: "better" | "worse" | "same" | "mixed"; meaningful: boolean; text: string;
}
export interface OutcomeSeries { visits: OutcomeVisit[]; changes: OutcomeChange[]; meaningful: string[] }

/** The chart's lines: both on the 0-10 scale of their measure. */
export const LINES = [
  { key: "pain", label: "Pain (0 none – 10 worst)" },
  { key: "psfs", label: "Activities, PSFS score (0 unable – 10 as before)" },
] as const;
export type LineKey = (typeof LINES)[number]["key"];

export interface ChartBox { width: number; height: number; left: number; right: number; top: number; bottom: number }
export const BOX: ChartBox = { width: 520, height: 240, left: 40, right: 16, top: 16, bottom: 44 };

/** x of visit `i` of `n`, evenly spaced (one visit: in the middle). */
export function scaleX(i: number, n: number, box: ChartBox = BOX): number {
  const inner = box.width - box.left - box.right;
  return n <= 1 ? box.left + inner / 2 : box.left + (inner * i) / (n - 1);
}

/** y of a 0-10 value (clamped): 10 at the top. */
export function scaleY(value: number, box: ChartBox = BOX): number {
  const v = Math.min(10, Math.max(0, value));
  const inner = box.height - box.top - box.bottom;
  return box.top + inner * (1 - v / 10);
}

export function psfsScore(v: OutcomeValues): number {
  if (typeof v.psfs_score === "number") return v.psfs_score;
  if (!v.psfs.length) return 0;
  return Math.round((v.psfs.reduce((s, i) => s + i.score, 0) / v.psfs.length) * 10) / 10;
}

export function valueOf(v: OutcomeValues, line: LineKey): number {
  return line === "pain" ? v.pain : psfsScore(v);
}

export interface ChartPoint { x: number; y: number; value: number; visit: number; start: string }

export function chartPoints(visits: OutcomeVisit[], line: LineKey, box: ChartBox = BOX): ChartPoint[] {
  return visits.map((v, i) => {
    const value = valueOf(v, line);
    return { x: round(scaleX(i, visits.length, box)), y: round(scaleY(value, box)), value, visit: i + 1, start: v.start };
  });
}

export function pathOf(points: ChartPoint[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ");
}

function round(n: number): number { return Math.round(n * 10) / 10; }

/** The sentences under the chart: every meaningful change, or why there is none to show. */
export function calloutText(series: OutcomeSeries): string[] {
  if (series.visits.length === 0) return ["No outcomes recorded yet."];
  if (series.visits.length === 1) return ["One visit recorded so far: changes show from the second visit on."];
  if (series.meaningful.length) return series.meaningful;
  return ["No meaningful change since the first visit yet."];
}

/** A point's text for screen readers and tooltips: "Visit 2, 8 Dec 2026: pain 6". */
export function pointTitle(line: LineKey, p: ChartPoint, date: string): string {
  return `Visit ${p.visit}, ${date}: ${line === "pain" ? "pain" : "PSFS score"} ${p.value}`;
}

// The record form.
export interface OutcomeForm { pain: string; sleep: string; movements: string[]; activities: string[]; scores: string[] }

export function formFrom(values: OutcomeValues | null | undefined): OutcomeForm {
  const psfs = values?.psfs ?? [];
  return {
    pain: values ? String(values.pain) : "",
    sleep: values?.sleep ?? "none",
    movements: values?.movements ?? [],
    activities: [0, 1, 2].map((i) => psfs[i]?.activity ?? ""),
    scores: [0, 1, 2].map((i) => (psfs[i] ? String(psfs[i].score) : "")),
  };
}

function score(text: string): number | null {
  if (!/^\d{1,2}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 0 && n <= 10 ? n : null;
}

/** Errors by the API's field names (pain, psfs[2].score, …), before anything is sent. */
export function validateForm(form: OutcomeForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (score(form.pain) === null) errors.pain = "Enter the pain now, a whole number from 0 to 10.";
  const seen = new Set<string>();
  form.activities.forEach((a, i) => {
    const key = a.trim().toLowerCase();
    if (!key) errors[`psfs[${i}].activity`] = "Name an activity the patient finds hard.";
    else if (seen.has(key)) errors[`psfs[${i}].activity`] = "This activity is already listed.";
    seen.add(key);
    if (score(form.scores[i] ?? "") === null) errors[`psfs[${i}].score`] = "Enter a whole number from 0 (unable) to 10 (as before).";
  });
  return errors;
}

export function formBody(form: OutcomeForm, version: number) {
  return {
    version, pain: Number(form.pain), sleep: form.sleep, movements: form.movements,
    psfs: form.activities.map((activity, i) => ({ activity: activity.trim(), score: Number(form.scores[i]) })),
  };
}
