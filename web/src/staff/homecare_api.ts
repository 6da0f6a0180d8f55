// Home care on the staff side (issue 15; docs/api.md, "Home care"): the calls of the patient
// record's home-care section and the logic behind it — the routines a muscle can be given, the
// draft the practitioner edits (kept inside each routine's ranges), and adherence in words.
import type { StaffClient } from "./api";

export interface CatalogRoutine {
  id: string; tool: string; muscles: { id: string; name: string }[]; how: string;
  seconds: [number, number]; sets: [number, number]; how_often: string; stretch: string; cautions: string[];
}
export interface Prescribed {
  routine: string; muscle: string; muscle_name: string; seconds: number; sets: number;
  days_per_week: number; since: string; details: CatalogRoutine | null;
}
export interface HomeCareProgram {
  version: number; starts_on: string; note: string; updated_at: string; routines: Prescribed[];
}
export interface Caution { id: string; level: string; advice: string; for_staff?: string }
export interface Adherence {
  days: number; done: number; prescribed: number; percent: number;
  routines: { routine: string; done: number; prescribed: number }[];
}
export interface HomeCareDay { date: string; done: string[] }
export interface HomeCareView {
  today: string; program: HomeCareProgram | null; cautions: Caution[];
  adherence: { last_7_days: Adherence; last_14_days: Adherence } | null; days: HomeCareDay[];
  patient?: { id: number };
  catalog?: { routines: CatalogRoutine[]; days_per_week: [number, number] };
}

/** One routine as the practitioner sets it. */
export interface DraftRoutine { routine: string; muscle: string; seconds: number; sets: number; days_per_week: number }
export interface Draft { version: number; note: string; routines: DraftRoutine[] }

export const homeCareApi = {
  get: (client: StaffClient, patient: number) => client.get<HomeCareView>(`/patients/${patient}/home-care`),
  assign: (client: StaffClient, patient: number, draft: Draft) =>
    client.put<HomeCareView>(`/patients/${patient}/home-care`, draft),
};

/** Every muscle some routine works on, by name, each once. */
export function musclesOf(catalog: CatalogRoutine[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const r of catalog) for (const m of r.muscles) if (!seen.has(m.id)) seen.set(m.id, m.name);
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The routines that work on `muscle` ("" for all). */
export function routinesFor(catalog: CatalogRoutine[], muscle: string): CatalogRoutine[] {
  return muscle ? catalog.filter((r) => r.muscles.some((m) => m.id === muscle)) : catalog;
}

/** The draft of the program as stored (version 0 and no routines when none is). */
export function draftOf(view: HomeCareView): Draft {
  const p = view.program;
  if (!p) return { version: 0, note: "", routines: [] };
  return {
    version: p.version, note: p.note,
    routines: p.routines.map(({ routine, muscle, seconds, sets, days_per_week }) => ({ routine, muscle, seconds, sets, days_per_week })),
  };
}

const clamp = (n: number, [low, high]: [number, number]) => Math.min(high, Math.max(low, Math.round(n)));

/** A routine newly added for a muscle, at the middle of its ranges, 5 days a week. */
export function newRoutine(r: CatalogRoutine, muscle: string, days: [number, number] = [3, 7]): DraftRoutine {
  return {
    routine: r.id, muscle: r.muscles.some((m) => m.id === muscle) ? muscle : r.muscles[0].id,
    seconds: clamp((r.seconds[0] + r.seconds[1]) / 2, r.seconds), sets: clamp((r.sets[0] + r.sets[1]) / 2, r.sets),
    days_per_week: clamp(5, days),
  };
}

/** Adds a routine (once: a routine already in the draft is left as it is). */
export function addRoutine(draft: Draft, routine: DraftRoutine): Draft {
  if (draft.routines.some((r) => r.routine === routine.routine)) return draft;
  return { ...draft, routines: [...draft.routines, routine] };
}

/** Field errors the server would give, found before sending ("routines[1].seconds": reason). */
export function draftErrors(draft: Draft, catalog: CatalogRoutine[], days: [number, number] = [3, 7]): Record<string, string> {
  const errors: Record<string, string> = {};
  draft.routines.forEach((d, i) => {
    const r = catalog.find((c) => c.id === d.routine);
    if (!r) { errors[`routines[${i}].routine`] = "is not a known routine"; return; }
    const check = (field: "seconds" | "sets" | "days_per_week", range: [number, number]) => {
      const v = d[field];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) errors[`routines[${i}].${field}`] = `must be between ${range[0]} and ${range[1]}`;
    };
    check("seconds", r.seconds);
    check("sets", r.sets);
    check("days_per_week", days);
  });
  return errors;
}

/** "5 of 7 days" for one routine, or the whole program when `routine` is omitted. */
export function adherenceText(a: Adherence, routine?: string): string {
  const row = routine === undefined ? a : a.routines.find((r) => r.routine === routine);
  if (!row || row.prescribed === 0) return "nothing prescribed yet";
  const done = Math.min(row.done, row.prescribed);
  return `done on ${done} of ${row.prescribed} prescribed day${row.prescribed === 1 ? "" : "s"}`;
}

/** The days done per routine over the view's days (newest first), for the table: routine -> date -> done. */
export function doneByRoutine(view: HomeCareView): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of view.program?.routines ?? []) out.set(r.routine, new Set());
  for (const day of view.days) for (const id of day.done) out.get(id)?.add(day.date);
  return out;
}

export function daysPerWeekText(n: number): string {
  return n >= 7 ? "every day" : `${n} days a week`;
}
