// The JSON API of `unknot serve` (docs/api.md): typed fetch helpers. Every failure becomes an
// ApiError so pages can tell "the server said no" (problem details) from "no answer at all".
import { bearer } from "./token";

export interface Address {
  line1: string; line2?: string | null; city: string; region: string; postal_code: string;
  country: string;
}
export interface Hours { day: string; start: string; end: string }
export interface Clinic {
  slug: string; name: string; phone: string; address: Address; time_zone: string;
  booking_policy: { min_notice_minutes: number; horizon_days: number;
    cancellation_window_minutes: number; slot_step_minutes: number; grace_period_minutes: number };
  opening_hours: Hours[];
}
export interface Price { amount_minor: number; currency: string; display: string }
export interface Service {
  id: number; slug: string; name: string; description: string; duration_minutes: number;
  buffer_minutes: number; allowed_roles: string[]; required_skills: string[]; room_kind: string;
  new_patients_only: boolean; price: Price;
}
export interface Practitioner {
  id: number; slug: string; display_name: string; role: string; skills: string[]; bio: string;
  active: boolean;
}
export interface Slot {
  start: string; end: string; local_start: string;
  options: { practitioner: number; room: number }[];
}
export interface Availability {
  clinic: string; time_zone: string;
  service: { id: number; slug: string; name: string; duration_minutes: number };
  days: { date: string; slots: Slot[] }[];
  practitioners: { id: number; display_name: string }[];
}
export interface Appointment {
  id: number; status: string; source: string;
  service: { id: number; slug: string; name: string };
  practitioner: { id: number; display_name: string }; room: { id: number; name: string };
  start: string; end: string; local_start: string; local_end: string; time_zone: string;
  created_at: string; cancelled_at: string | null;
}
export interface Booked { appointment: Appointment; manage_token: string; manage_url: string }
/** A time held while the patient fills in details (POST …/holds): book it with `hold`. */
export interface Hold {
  hold: string; expires_at: string; practitioner: number; service: number;
  start: string; end: string; local_start: string; local_end: string;
}

export interface FormOption { id: string; label: string }
export interface AssessmentForm {
  clinic: string; phone: string; note: string; body_map: string;
  regions: { id: string; label: string; group: string; sides: string[] }[];
  questions: { id: string; text: string; kind: "yes_no" | "choice"; options: FormOption[] }[];
  causes: { id: string; label: string; kind: string }[];
  knot: { sizes: string[]; pain: { min: number; max: number }; durations: string[];
    sleep: string[]; movements: string[] };
  medications: string[];
}
export interface Knot {
  region: string; side?: string; size: string; pain: number; duration: string; sleep: string;
  limits_movement: boolean; movements: string[];
}
export interface AssessmentInput {
  knots: Knot[]; causes: string[]; answers: Record<string, string>; medications: string[];
  age_band?: string;
}
export type Outcome = "book_online" | "see_chiropractor_first" | "medical_care_soon" | "emergency";
export interface AssessmentResult {
  outcome: Outcome; book_online: boolean;
  reasons: { rule: string; outcome: string; reason: string; advice: string }[];
  muscles: { id: string; name: string; sides: string[]; score: number; matching_causes: string[];
    explains: { region: string; label: string; side?: string; how: string }[];
    trigger_point_regions: string[]; referral_regions: string[] }[];
  treatments: { treatment: string; label: string; why: string; assessment_first: boolean;
    services: { id: number; slug: string; name: string }[] }[];
  book_assessment_first: boolean;
  bookable_services: { id: number; slug: string; name: string; duration_minutes: number }[];
  home_care: { id: string; tool: string; how: string; seconds?: number[]; sets?: number[];
    how_often?: string; stretch?: string; cautions?: string[]; muscles?: string[] }[];
  prevention: { id: string; causes: string[]; advice: string }[];
  cautions: { id: string; level: string; advice: string }[];
  phone: string; note: string;
}
export interface Assessment { id: number; manage_token?: string; result: AssessmentResult }

export interface Problem {
  type?: string; title?: string; status?: number; detail?: string; reason?: string;
  phone?: string; errors?: { field: string; reason: string }[];
  alternatives?: Slot[]; practitioners?: { id: number; display_name: string }[];
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | null) {
    super(problem?.detail ?? (status === 0 ? "The clinic's server did not answer." : `HTTP ${status}`));
  }
  get unreachable(): boolean { return this.status === 0 || this.status >= 502; }
}

export function clinicSlug(pathname = location.pathname): string {
  const m = pathname.match(/^\/c\/([^/]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

function base(): string { return `/api/v1/clinics/${encodeURIComponent(clinicSlug())}`; }

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path.startsWith("/api/") ? path : base() + path, init);
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let body: unknown = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) throw new ApiError(response.status, body as Problem | null);
  return body as T;
}

function post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  return request<T>(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body) });
}

export const api = {
  clinic: () => request<Clinic>(""),
  services: () => request<{ services: Service[] }>("/services").then((r) => r.services),
  practitioners: () =>
    request<{ practitioners: Practitioner[] }>("/practitioners").then((r) => r.practitioners),
  availability: (service: number, from: string, to: string, practitioner?: number) =>
    request<Availability>(`/availability?service=${service}&from=${from}&to=${to}` +
      (practitioner ? `&practitioner=${practitioner}` : "")),
  book: (body: unknown, idempotencyKey: string) =>
    post<Booked>("/appointments", body, { "Idempotency-Key": idempotencyKey }),
  // Tokens go in an Authorization header, never in a URL a server would log.
  hold: (service: number, start: string, practitioner: number | null) =>
    post<Hold>("/holds", { service, start, practitioner: practitioner ?? "any" }),
  /** Frees a held time; best effort (it lapses anyway), kept alive while the page unloads. */
  releaseHold: (token: string) =>
    request<null>(`/holds/${encodeURIComponent(token)}`, { method: "DELETE", keepalive: true }),
  appointment: (id: number, token: string) =>
    request<{ appointment: Appointment }>(`/appointments/${id}`, { headers: bearer(token) })
      .then((r) => r.appointment),
  cancel: (id: number, token: string) =>
    post<{ appointment: Appointment }>(`/appointments/${id}/cancel`, {}, bearer(token)).then((r) => r.appointment),
  reschedule: (id: number, token: string, start: string, practitioner?: number) =>
    post<{ appointment: Appointment }>(`/appointments/${id}/reschedule`,
      practitioner ? { start, practitioner } : { start }, bearer(token)).then((r) => r.appointment),
  // The appointment as an iCalendar file, written by the server (the product's one writer).
  calendar: async (id: number, token: string) => {
    let response: Response;
    try { response = await fetch(`${base()}/appointments/${id}.ics`, { headers: bearer(token) }); }
    catch { throw new ApiError(0, null); }
    if (!response.ok) throw new ApiError(response.status, null);
    return response.text();
  },
  // The patient's reminder choice (for all their appointments), by the manage token.
  reminders: (id: number, token: string) =>
    request<{ reminders: boolean }>(`/appointments/${id}/reminders`, { headers: bearer(token) })
      .then((r) => r.reminders),
  setReminders: (id: number, token: string, on: boolean) =>
    request<{ reminders: boolean }>(`/appointments/${id}/reminders`, {
      method: "PUT", headers: { "Content-Type": "application/json", ...bearer(token) },
      body: JSON.stringify({ reminders: on }),
    }).then((r) => r.reminders),
  assessmentForm: () => request<AssessmentForm>("/assessment-form"),
  bodyMap: async (url: string) => {
    let response: Response;
    try { response = await fetch(url); } catch { throw new ApiError(0, null); }
    if (!response.ok) throw new ApiError(response.status, null);
    return response.text();
  },
  submitAssessment: (input: AssessmentInput) => post<Assessment>("/assessments", input),
  assessment: (id: number, token: string) =>
    request<Assessment>(`/assessments/${id}`, { headers: bearer(token) }),
  // The waitlist (issue 16): join; the entry and the offer by their links' tokens.
  joinWaitlist: (body: unknown) => post<{ entry: WaitlistEntry; token: string }>("/waitlist", body),
  waitlistEntry: (token: string) => request<WaitlistEntry>("/waitlist/entry", { headers: bearer(token) }),
  leaveWaitlist: (token: string) => post<WaitlistEntry>("/waitlist/entry/leave", {}, bearer(token)),
  offer: (token: string) => request<WaitlistOffer>("/waitlist/offer", { headers: bearer(token) }),
  confirmOffer: (token: string) => post<Booked>("/waitlist/offer/confirm", {}, bearer(token)),
};

export interface WaitlistWindow { days: string[]; from: string; to: string }
export interface WaitlistEntry {
  id: number; status: "waiting" | "booked" | "left" | "ended";
  service: { id: number; name: string }; practitioner: { id: number; display_name: string } | null;
  windows: WaitlistWindow[]; until: string; urgent: boolean; source: "online" | "staff";
  created_at: string;
  patient: { given_name: string; family_name: string; email: string; phone: string };
  appointment?: number;
}
export interface WaitlistOffer {
  start: string; end: string; local_start: string; local_end: string; status: string; expires_at: string;
  service: { id: number; name: string }; practitioner: { id: number; display_name: string };
}
