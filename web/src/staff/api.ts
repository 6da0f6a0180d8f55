// The staff API (docs/api.md, "Staff API"): a signed-in staff member's requests. Every request
// goes with the session cookie (`credentials: "same-origin"`); every request that changes state
// also says `Content-Type: application/json` and carries the session's CSRF token in
// `X-CSRF-Token` (the browser adds `Origin`). A 401 from any route but sign-in itself means the
// session is gone: the client calls `onSignedOut`, which returns to the sign-in page.
import { ApiError, Clinic, Practitioner, Problem, Service } from "../lib/api";
import type { CalendarData } from "./calendar";

export type Access = "clinic" | "own_schedule" | "own_patients" | "denied";
export type StaffRole = "owner" | "front_desk" | "practitioner";

export interface Session {
  staff: { id: number; email: string; display_name: string; role: StaffRole; practitioner_id: number | null };
  clinic: { slug: string; name: string };
  csrf_token: string; idle_expires_at: string; expires_at: string;
  permissions: Record<string, Access>;
}
export interface Account {
  id: number; email: string; display_name: string; role: StaffRole; practitioner_id: number | null;
  disabled: boolean; created_at: string;
}
export interface StaffSession {
  id: number | string; staff_id: number; staff_email: string; created_at: string; last_seen_at: string;
  idle_expires_at: string; expires_at: string; client_address: string; state: "active" | "idle_expired";
  current: boolean;
}
export interface Room { id: number; name: string; kind: string }
export interface Span { day: string; start: string; end: string; label?: string }
export interface TimeOff { id: number; start: string; end: string; reason?: string }
export interface SetupPractitioner extends Practitioner {
  weekly_hours: Span[]; breaks: Span[]; time_off: TimeOff[];
  /** The front desk may book over this practitioner's appointments or outside their hours. */
  allow_overbooking?: boolean;
}
export interface SetupClinic extends Clinic {
  booking_policy: Clinic["booking_policy"] & { max_future_online_bookings?: number; [k: string]: unknown };
  sessions: { idle_timeout_minutes: number; absolute_timeout_minutes: number };
}
export interface Setup {
  clinic: SetupClinic; rooms: Room[]; practitioners: SetupPractitioner[]; services: Service[]; version: number;
}
export interface PatientRow {
  id: number; given_name: string; family_name: string; email: string; phone: string;
  next_appointment: unknown; last_appointment: unknown;
}
export interface PatientPage { patients: PatientRow[]; page: number; per_page: number; more: boolean }
export interface PatientAppointment {
  id: number; start: string; end: string; status: string; source: string;
  practitioner: { id: number; display_name: string }; service: { id: number; name: string };
  room: { id: number; name: string }; assessment_id: number | null;
}
export interface PatientAssessment {
  id: number; created_at: string; outcome: string;
  input: { knots?: { region: string; side?: string; pain?: number; size?: string; duration?: string }[];
    causes?: string[]; [k: string]: unknown };
  result: { outcome?: string; reasons?: { rule: string; reason: string }[];
    muscles?: { id: string; name: string }[]; note?: string; [k: string]: unknown };
}
export interface PatientRecord {
  patient: { id: number; given_name: string; family_name: string; email: string; phone: string; [k: string]: unknown };
  appointments: PatientAppointment[]; assessments: PatientAssessment[];
  booking_rules?: { online_booking: string; assessment_first: boolean }; no_shows_12_months?: number;
}
export interface AuditEntry {
  sequence: number; at: string; staff_id: number | null; staff_email: string; role: string; action: string;
  patient_id: number | null; record: string; detail: string; client_address: string; request_id: string;
}
export interface AuditFilters { staff?: string; patient?: string; from?: string; to?: string }
export interface Stranded { id: number; start: string; end: string; practitioner_id: number; service_id: number }

export interface StaffProblem extends Problem {
  stranded?: Stranded[]; retry_after_seconds?: number;
  // `alternatives` of the calendar API are RFC 3339 starts, not slots: read them with
  // alternativesOf (calendar.ts).
  /** A stale version's 409: the appointment as stored now. */
  current?: unknown;
}

/** A phone, walk-in or desk booking (POST …/calendar/appointments). */
export interface CallerBooking {
  patient: number | { given_name: string; family_name: string; phone: string; email?: string };
  service: number; practitioner: number; room?: number; start: string;
  source: "phone" | "walk_in" | "staff"; overbook?: boolean;
}

/** A failed staff request: the status, the problem details and the `Retry-After` seconds, if any. */
export class StaffApiError extends ApiError {
  constructor(status: number, readonly problem: StaffProblem | null, readonly retryAfter: number | null = null) {
    super(status, problem);
  }
}

/** `Retry-After` in whole seconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return +value;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The problem details of an answer's text, or null when it is not a JSON object. */
export function parseProblem(text: string): StaffProblem | null {
  try {
    const body = JSON.parse(text);
    return body && typeof body === "object" && !Array.isArray(body) ? body as StaffProblem : null;
  } catch {
    return null;
  }
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export class StaffClient {
  csrf = "";
  constructor(readonly base: string, readonly onSignedOut: () => void = () => {},
    private readonly fetcher: typeof fetch = (...a) => fetch(...a)) {}

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      // Signing in has no session yet, so no token: an empty header would be a wrong one.
      init.headers = { ...init.headers, "Content-Type": "application/json", ...(this.csrf ? { "X-CSRF-Token": this.csrf } : {}) };
      if (body !== undefined) init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, init);
    } catch {
      throw new StaffApiError(0, null);
    }
    const text = await response.text();
    if (!response.ok) {
      const error = new StaffApiError(response.status, parseProblem(text),
        parseRetryAfter(response.headers.get("Retry-After")));
      // Signing in with a wrong password is a 401 too, but the person is on the sign-in page already.
      if (response.status === 401 && !(path === "/session" && method === "POST")) this.onSignedOut();
      throw error;
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  get = <T>(path: string) => this.request<T>("GET", path);
  post = <T>(path: string, body: unknown = {}) => this.request<T>("POST", path, body);
  put = <T>(path: string, body: unknown) => this.request<T>("PUT", path, body);
  patch = <T>(path: string, body: unknown) => this.request<T>("PATCH", path, body);
  del = (path: string) => this.request<null>("DELETE", path);

  // Sign-in and the session.
  async signIn(email: string, password: string): Promise<Session> {
    const s = await this.post<Session>("/session", { email, password });
    this.csrf = s.csrf_token;
    return s;
  }
  async session(): Promise<Session> {
    const s = await this.get<Session>("/session");
    this.csrf = s.csrf_token;
    return s;
  }
  async signOut(): Promise<void> { await this.del("/session"); this.csrf = ""; }

  // Own account.
  changePassword = (current_password: string, new_password: string) =>
    this.put<null>("/staff/me/password", { current_password, new_password });
  mySessions = () => this.get<{ sessions: StaffSession[] }>("/staff/me/sessions").then((r) => r.sessions);
  signOutEverywhere = () => this.del("/staff/me/sessions");

  // Staff accounts and sessions.
  accounts = () => this.get<{ staff: Account[] }>("/staff").then((r) => r.staff);
  addAccount = (a: { email: string; display_name: string; role: string; practitioner_id?: number | null; password: string }) =>
    this.post<Account>("/staff", a);
  updateAccount = (id: number, change: Partial<Pick<Account, "disabled" | "role" | "practitioner_id" | "display_name">>) =>
    this.patch<Account>(`/staff/${id}`, change);
  sessions = (staff?: number) => this.get<{ sessions: StaffSession[] }>(`/sessions${query({ staff })}`).then((r) => r.sessions);
  endSession = (id: number | string) => this.del(`/sessions/${encodeURIComponent(String(id))}`);

  // Patients.
  patients = (q: string, page = 1, per_page = 25) =>
    this.get<PatientPage>(`/patients${query({ q, page, per_page })}`);
  patient = (id: number) => this.get<PatientRecord>(`/patients/${id}`);
  setBookingRules = (id: number, rules: { online_booking: string; assessment_first: boolean }) =>
    this.put<unknown>(`/patients/${id}/booking-rules`, rules);
  /** The self-assessment an appointment followed (404 when none). */
  appointmentAssessment = (id: number) => this.get<PatientAssessment>(`/calendar/appointments/${id}/assessment`);

  // Audit log.
  audit = (filters: AuditFilters, before?: number | null, limit = 50) =>
    this.get<{ entries: AuditEntry[]; next_before: number | null }>(`/audit${query({ ...filters, before, limit })}`);
  auditCsvHref = (filters: AuditFilters) => `${this.base}/audit.csv${query({ ...filters })}`;

  // The calendar (issue 14). Every change sends the version the desk saw; a 409 says why.
  calendar = (from: string, days: number) => this.get<CalendarData>(`/calendar${query({ from, days })}`);
  bookCaller = (booking: CallerBooking) => this.post<unknown>("/calendar/appointments", booking);
  moveAppointment = (id: number, change: { version: number; start: string; practitioner?: number; room?: number }) =>
    this.patch<unknown>(`/calendar/appointments/${id}`, change);
  cancelAppointment = (id: number, version: number, reason: string) =>
    this.post<unknown>(`/calendar/appointments/${id}/cancel`, { version, reason });
  setStatus = (id: number, version: number, status: "arrived" | "completed" | "no_show") =>
    this.post<unknown>(`/calendar/appointments/${id}/status`, { version, status });
  requests = () => this.get<unknown>("/calendar/requests");
  approve = (id: number, version: number) => this.post<unknown>(`/calendar/appointments/${id}/approve`, { version });
  decline = (id: number, version: number, reason?: string) =>
    this.post<unknown>(`/calendar/appointments/${id}/decline`, reason ? { version, reason } : { version });
  /** The live stream's URL (Server-Sent Events, same-origin cookie). */
  calendarEventsUrl = () => `${this.base}/calendar/events`;

  // Clinic set-up. `keep` re-sends a change that would strand appointments with ?keep_appointments=true.
  setup = () => this.get<Setup>("/setup");
  save = <T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown, keep = false) =>
    this.request<T>(method, `/setup${path}${keep ? "?keep_appointments=true" : ""}`, body);
}
