// The staff's outcome requests (docs/api.md, "Outcome measures"): a visit's record and its
// prefill, a patient's series with the callouts, and the owner's report. On top of StaffClient
// (same cookie, same CSRF header, same errors).
import type { OutcomeSeries, OutcomeValues, OutcomeVisit } from "../lib/outcomes";
import type { StaffClient } from "./api";

export interface VisitOutcomes {
  appointment: { id: number; start: string; status: string; patient?: { id: number; given_name?: string; family_name?: string };
    service?: { id: number; name: string }; practitioner?: { id: number; display_name: string }; [k: string]: unknown };
  outcome: OutcomeVisit | null;
  prefill?: OutcomeValues & { from_assessment: boolean };
  movements: string[];
}

/** Treatment plans counted in one row of the owner's report; visits outside any plan apart. */
export interface PlanSummary {
  plans: number; evaluable: number; reached: number; median_visits: number | null;
  visits_to_change: { visits: number; plans: number }[];
  unplanned_visits: number;
}
export interface OutcomeReport {
  by_service: (PlanSummary & { service: number; name: string })[];
  by_practitioner: (PlanSummary & { practitioner: number; name: string })[];
  overall: PlanSummary;
  counting: string;
}

/** The sentence above the tables: how the clinic's plans went, and the visits no plan counts. */
export function reportSummary(overall: PlanSummary): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const unplanned = overall.unplanned_visits === 0 ? ""
    : ` ${plural(overall.unplanned_visits, "visit was", "visits were")} recorded outside any treatment plan and ` +
      (overall.unplanned_visits === 1 ? "is not counted as a plan." : "are not counted as plans.");
  if (overall.plans === 0) return "No outcomes recorded in a treatment plan yet." + unplanned;
  return `${overall.reached} of ${plural(overall.evaluable, "treatment plan", "treatment plans")} with two or more visits reached a meaningful change` +
    (overall.median_visits !== null ? `, at a median of ${overall.median_visits} visits.` : ".") + unplanned;
}

export const visitOutcomes = (c: StaffClient, appointment: number) =>
  c.get<VisitOutcomes>(`/visits/${appointment}/outcomes`);
export const recordOutcomes = (c: StaffClient, appointment: number, body: unknown) =>
  c.put<{ outcome: OutcomeVisit }>(`/visits/${appointment}/outcomes`, body);
export const patientOutcomes = (c: StaffClient, patient: number) =>
  c.get<OutcomeSeries>(`/patients/${patient}/outcomes`);
export const outcomeReport = (c: StaffClient) => c.get<OutcomeReport>("/outcome-report");
