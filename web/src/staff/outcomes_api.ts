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

export interface CourseSummary {
  courses: number; evaluable: number; reached: number; median_visits: number | null;
  visits_to_change: { visits: number; courses: number }[];
}
export interface OutcomeReport {
  by_service: (CourseSummary & { service: number; name: string })[];
  by_practitioner: (CourseSummary & { practitioner: number; name: string })[];
  overall: CourseSummary;
  course_of_care: string;
}

export const visitOutcomes = (c: StaffClient, appointment: number) =>
  c.get<VisitOutcomes>(`/visits/${appointment}/outcomes`);
export const recordOutcomes = (c: StaffClient, appointment: number, body: unknown) =>
  c.put<{ outcome: OutcomeVisit }>(`/visits/${appointment}/outcomes`, body);
export const patientOutcomes = (c: StaffClient, patient: number) =>
  c.get<OutcomeSeries>(`/patients/${patient}/outcomes`);
export const outcomeReport = (c: StaffClient) => c.get<OutcomeReport>("/outcome-report");
