// The home-care program a practitioner assigned (issue 15), as the patient's manage page shows it:
// the routines with their prescribed dose (written by homecare.ts, as on the knot-check result),
// the cautions in the patient's words, and the days the patient marks done. The token travels in
// an Authorization header, as for the appointment itself.
import { ApiError, clinicSlug, Problem } from "./api";
import { homeCarePlan, RoutineView } from "./homecare";
import { bearer } from "./token";

export interface ProgramRoutine {
  routine: string; muscle: string; muscle_name: string; seconds: number; sets: number; days_per_week: number;
  since: string;
  details: { id: string; tool: string; how: string; stretch: string; how_often: string; cautions: string[] } | null;
}
export interface PatientHomeCare {
  today: string;
  program: { version: number; starts_on: string; note: string; updated_at: string; routines: ProgramRoutine[] } | null;
  cautions: { id: string; level: string; advice: string }[];
  adherence: { last_7_days: { done: number; prescribed: number; percent: number }; last_14_days: { done: number; prescribed: number; percent: number } } | null;
  days: { date: string; done: string[] }[];
}

async function call(method: "GET" | "PUT", path: string, token: string, body?: unknown): Promise<PatientHomeCare> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/clinics/${encodeURIComponent(clinicSlug())}${path}`, {
      method, headers: { ...bearer(token), ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) throw new ApiError(response.status, parsed as Problem | null);
  return parsed as PatientHomeCare;
}

export const homeCareCalls = {
  get: (appointment: number, token: string) => call("GET", `/appointments/${appointment}/home-care`, token),
  mark: (appointment: number, token: string, date: string, routines: string[]) =>
    call("PUT", `/appointments/${appointment}/home-care/log/${date}`, token, { routines }),
};

export function daysPerWeek(n: number): string {
  return n >= 7 ? "Every day" : `${n} days a week`;
}

/** The program's routines for reading: the shared knot-check layout with the prescribed dose. */
export function programPlan(view: PatientHomeCare): { routines: RoutineView[]; shared: string[] } {
  const routines = (view.program?.routines ?? []).map((p) => ({
    id: p.routine, tool: p.details?.tool ?? "", how: p.details?.how ?? "",
    seconds: [p.seconds, p.seconds], sets: [p.sets, p.sets], how_often: daysPerWeek(p.days_per_week),
    ...(p.details?.stretch ? { stretch: p.details.stretch } : {}),
    cautions: p.details?.cautions ?? [], muscles: [p.muscle],
  }));
  const names = new Map((view.program?.routines ?? []).map((p) => [p.muscle, p.muscle_name]));
  return homeCarePlan(routines, names);
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

/** "Today", "Yesterday", else "Wednesday 25 November" for a clinic-local YYYY-MM-DD. */
export function dayLabel(date: string, today: string): string {
  if (date === today) return "Today";
  const [y, m, d] = date.split("-").map(Number);
  const [ty, tm, td] = today.split("-").map(Number);
  const diff = Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(y, m - 1, d)) / 86400000);
  if (diff === 1) return "Yesterday";
  return `${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${d} ${MONTHS[m - 1]}`;
}

/** The days the patient can still mark here: the most recent `count` of the view's days. */
export function markableDays(view: PatientHomeCare, count = 7): { date: string; label: string; done: string[] }[] {
  return view.days.slice(0, count).map((d) => ({ ...d, label: dayLabel(d.date, view.today) }));
}

/** The day's routines with `routine` checked or unchecked, in the program's order. */
export function toggled(view: PatientHomeCare, done: string[], routine: string, on: boolean): string[] {
  const set = new Set(done);
  if (on) set.add(routine); else set.delete(routine);
  return (view.program?.routines ?? []).map((r) => r.routine).filter((r) => set.has(r));
}

/** The last 7 days in a sentence. */
export function adherenceSentence(view: PatientHomeCare): string | null {
  const week = view.adherence?.last_7_days;
  if (!week || week.prescribed === 0) return null;
  return `In the last 7 days you did ${week.done} of the ${week.prescribed} routine sessions planned (${week.percent} %).`;
}
