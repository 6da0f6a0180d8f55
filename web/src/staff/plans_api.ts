// Treatment plans (docs/api.md, "Treatment plans"): the requests and the small pieces of logic the
// plan pages need — what a plan's items say in words, which visits the desk has chosen, and how a
// plan is going. The server decides every time; these only carry the desk's choices.
import type { Slot } from "../lib/api";
import type { StaffClient, StaffProblem } from "./api";

export interface PlanItem {
  service: number; practitioner: number; interval_days: number; count: number;
  first_date: string; time: string; service_name?: string; practitioner_name?: string;
}
export interface PlanProgress { planned: number; booked: number; done: number; left: number; missed: number }
export interface PlanVisit {
  id: number; item: number; start: string; end: string; status: string;
  practitioner: { id: number; display_name: string } | number; service: { id: number; name: string } | number;
}
export interface Plan {
  id: number; patient: number; title: string; created_at: string; items: PlanItem[];
  progress: PlanProgress; visits: PlanVisit[];
}
export interface VisitPreview {
  index: number; item: number; number: number; local_start: string; start: string | null; end: string | null;
  service: number; practitioner: number; free: boolean; room: number | null;
  problem: "no_such_time" | "past" | "outside_hours" | "not_on_step" | "taken" | null; message: string;
  alternatives: Slot[];
}
export interface Preview { visits: VisitPreview[]; free: number; total: number }
export interface ChosenVisit { item: number; number?: number; start: string }
export interface SeriesProblem extends StaffProblem { visit?: VisitPreview }

export const plansApi = {
  create: (c: StaffClient, patient: number, body: { title: string; items: PlanItem[] }) =>
    c.post<Plan>(`/patients/${patient}/treatment-plans`, body),
  list: (c: StaffClient, patient: number) =>
    c.get<{ plans: Plan[] }>(`/patients/${patient}/treatment-plans`).then((r) => r.plans),
  get: (c: StaffClient, plan: number) => c.get<Plan>(`/treatment-plans/${plan}`),
  preview: (c: StaffClient, plan: number) => c.post<Preview>(`/treatment-plans/${plan}/preview`, {}),
  book: (c: StaffClient, plan: number, source: "staff" | "phone", visits: ChosenVisit[]) =>
    c.post<{ appointments: unknown[]; plan: Plan }>(`/treatment-plans/${plan}/book`, { source, visits }),
};

/** "weekly", "every 2 weeks", "every 10 days". */
export function everyText(days: number): string {
  if (days === 7) return "weekly";
  if (days % 7 === 0) return `every ${days / 7} weeks`;
  return days === 1 ? "daily" : `every ${days} days`;
}

/** "ART session with Dr. Okafor, weekly, 4 visits from 2026-12-01 at 10:00". */
export function itemText(item: PlanItem): string {
  const who = item.practitioner_name ? ` with ${item.practitioner_name}` : "";
  const visits = item.count === 1 ? "1 visit" : `${item.count} visits`;
  return `${item.service_name ?? `Service ${item.service}`}${who}, ${everyText(item.interval_days)}, ${visits} from ${item.first_date} at ${item.time}`;
}

/** "2 done, 3 left, 1 missed (6 planned, 6 booked)". */
export function progressText(p: PlanProgress): string {
  return `${p.done} done, ${p.left} left, ${p.missed} missed (${p.planned} planned, ${p.booked} booked)`;
}

/**
 * What the desk chose for each visit of a preview: a free visit keeps its time unless another
 * start is chosen; a refused one is booked only at a chosen alternative. `choices` maps a
 * visit's index to a start, or to "" to leave that visit out.
 */
export function chosenVisits(preview: Preview, choices: Record<number, string>): ChosenVisit[] {
  const out: ChosenVisit[] = [];
  for (const v of preview.visits) {
    const choice = choices[v.index];
    const start = choice !== undefined ? choice : v.free ? v.start : null;
    if (start) out.push({ item: v.item, number: v.number, start });
  }
  return out;
}

/** The visits that cannot be booked as they are and have no choice yet. */
export function unresolved(preview: Preview, choices: Record<number, string>): VisitPreview[] {
  return preview.visits.filter((v) => !v.free && choices[v.index] === undefined);
}

/** The preview's index of the chosen visit the server named in a 409 ("visits[2]"), or null. */
export function conflictIndex(problem: SeriesProblem | null, preview: Preview, choices: Record<number, string>): number | null {
  const field = problem?.errors?.[0]?.field ?? "";
  const m = /^visits\[(\d+)\]/.exec(field);
  if (!m) return null;
  const chosen = +m[1];
  let seen = -1;
  for (const v of preview.visits) {
    const choice = choices[v.index];
    const start = choice !== undefined ? choice : v.free ? v.start : null;
    if (start && ++seen === chosen) return v.index;
  }
  return null;
}

/** The preview with visit `index` replaced by what the server said of it in a 409. */
export function withConflict(preview: Preview, index: number, visit: VisitPreview): Preview {
  const visits = preview.visits.map((v) => v.index === index ? { ...visit, index } : v);
  return { ...preview, visits, free: visits.filter((v) => v.free).length };
}

export interface ItemDraft { service: string; practitioner: string; weeks: string; count: string; first_date: string; time: string }

/** A drafted item as the API takes it, or the first field that is wrong. */
export function itemFromDraft(d: ItemDraft): { item?: PlanItem; field?: keyof ItemDraft; reason?: string } {
  if (!d.service) return { field: "service", reason: "Choose a service." };
  if (!d.practitioner) return { field: "practitioner", reason: "Choose who gives it." };
  const weeks = Number(d.weeks);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 13) return { field: "weeks", reason: "Every 1 to 13 weeks." };
  const count = Number(d.count);
  if (!Number.isInteger(count) || count < 1 || count > 52) return { field: "count", reason: "1 to 52 visits." };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.first_date)) return { field: "first_date", reason: "Choose the first date." };
  if (!/^\d{2}:\d{2}$/.test(d.time)) return { field: "time", reason: "Choose a time, HH:MM." };
  return {
    item: { service: +d.service, practitioner: +d.practitioner, interval_days: weeks * 7, count,
      first_date: d.first_date, time: d.time },
  };
}
