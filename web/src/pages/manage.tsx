import { useEffect, useState } from "preact/hooks";
import { api, ApiError, Appointment, Clinic, Practitioner, Service, Slot } from "../lib/api";
import { AppointmentDetails } from "./book";
import { HomeCarePanel } from "./homecare";
import { AlternativeSlots, capable, SlotPicker } from "../components/slotpicker";
import { PatientOutcomes } from "../components/outcome_chart";
import { RemindersToggle } from "../components/reminders_toggle";
import { useCalendarHref } from "../lib/calendar";
import { describeMinutes, onlineChange } from "../lib/policy";
import { requestNotice } from "../lib/request";
import { formatInstantDateTime, formatPhone, telHref } from "../lib/time";

export function ManagePage({ clinic, id, token }: { clinic: Clinic; id: number; token: string }) {
  const [appointment, setAppointment] = useState<Appointment | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [services, setServices] = useState<Service[]>([]);
  const [practitioners, setPractitioners] = useState<Practitioner[]>([]);
  const [mode, setMode] = useState<"view" | "cancel" | "reschedule">("view");
  const [slot, setSlot] = useState<Slot | null>(null);
  const [practitioner, setPractitioner] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ text: string; alternatives?: Slot[] } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.appointment(id, token).then((a) => { setAppointment(a); setPractitioner(a.practitioner.id); }).catch(setLoadError);
    Promise.all([api.services(), api.practitioners()]).then(([s, p]) => { setServices(s); setPractitioners(p); }).catch(() => {});
  }, [id, token]);

  // The server writes the .ics; fetched again when the appointment moves.
  const ics = useCalendarHref(id, token,
    appointment?.status === "booked" ? `${appointment.start}|${appointment.practitioner.id}` : null);

  if (loadError) {
    return <main id="main" class="page"><h1>Your appointment</h1>
      <p role="alert">{loadError.status === 404 ? "We could not find this appointment. Check that you used the whole link from your confirmation."
        : "The clinic's server did not answer. Try again in a moment."} You can also call <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p></main>;
  }
  if (!appointment) return <main id="main" class="page"><h1>Your appointment</h1><p role="status">Loading…</p></main>;

  const fail = (err: unknown) => {
    const e = err as ApiError;
    if (e.unreachable) setProblem({ text: "The clinic's server did not answer; nothing was changed. Try again." });
    else if (e.problem?.alternatives) {
      setProblem({ text: `${e.problem.reason === "taken" ? "Sorry, that time was just taken." : "That time cannot be booked online."} Your appointment is unchanged. Nearest free times:`, alternatives: e.problem.alternatives });
      setSlot(null);
    } else setProblem({ text: `${e.problem?.detail ?? e.message}` });
  };

  const cancel = async () => {
    setBusy(true); setProblem(null);
    try { setAppointment(await api.cancel(id, token)); setMode("view"); setMessage("Your appointment is cancelled."); }
    catch (err) { fail(err); } finally { setBusy(false); }
  };
  const reschedule = async () => {
    if (!slot) { setProblem({ text: "Choose a new time first." }); return; }
    setBusy(true); setProblem(null);
    try {
      setAppointment(await api.reschedule(id, token, slot.start, practitioner ?? slot.options[0]?.practitioner));
      setMode("view"); setSlot(null);
      setMessage("Your appointment has been moved.");
    } catch (err) { fail(err); } finally { setBusy(false); }
  };

  const service = services.find((s) => s.id === appointment.service.id);
  const windowText = describeMinutes(clinic.booking_policy.cancellation_window_minutes);
  const change = onlineChange(appointment, clinic.booking_policy);
  const changeable = change.refusal === null; // booked, not started, outside the window or in grace
  return (
    <main id="main" class="page">
      <h1>Your appointment</h1>
      {message && <p class="success" role="status">{message}</p>}
      <AppointmentDetails clinic={clinic} appointment={appointment} />
      {requestNotice(appointment.status, clinic.phone) && (
        <p class="notice" data-request-status={appointment.status}>{requestNotice(appointment.status, clinic.phone)}</p>
      )}
      {ics && (
        <p><a class="button" href={ics} download={`appointment-${appointment.id}.ics`}>Add to my calendar (.ics)</a></p>
      )}
      {changeable && change.until && (
        <p class="note">You can move or cancel this appointment online until {formatInstantDateTime(change.until, clinic.time_zone)}.</p>
      )}
      {change.refusal === "inside_cancellation_window" && (
        <p class="notice">It starts within {windowText}, so it can no longer be moved or cancelled online. Please
          call <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p>
      )}
      {problem && (
        <div class="error" role="alert"><p>{problem.text} {!problem.alternatives && <>Call <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</>}</p>
          <AlternativeSlots slots={problem.alternatives} onPick={(s) => { setSlot(s); setProblem(null); }} />
        </div>
      )}
      {changeable && mode === "view" && (
        <div class="actions">
          <button type="button" onClick={() => { setMode("reschedule"); setMessage(null); }}>Move to another time</button>
          <button type="button" class="danger" onClick={() => { setMode("cancel"); setMessage(null); }}>Cancel appointment</button>
        </div>
      )}
      {changeable && mode === "cancel" && (
        <section aria-labelledby="cancel-heading" class="panel">
          <h2 id="cancel-heading">Cancel this appointment?</h2>
          <p>Online cancellation is possible until {windowText} before the start; after that, please call.</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={cancel}>Yes, cancel it</button>
            <button type="button" onClick={() => setMode("view")}>Keep it</button>
          </div>
        </section>
      )}
      {changeable && mode === "reschedule" && (
        <section aria-labelledby="move-heading" class="panel">
          <h2 id="move-heading">Choose a new time</h2>
          {service ? <SlotPicker clinic={clinic} serviceId={service.id} practitioners={capable(practitioners, service)}
            practitioner={practitioner} onPractitioner={(p) => { setPractitioner(p); setSlot(null); }}
            selected={slot} onSelect={(s) => { setSlot(s); setProblem(null); }} /> : <p role="status">Loading…</p>}
          <div class="actions">
            <button type="button" class="primary" disabled={busy || !slot} onClick={reschedule}>Move my appointment</button>
            <button type="button" onClick={() => { setMode("view"); setSlot(null); }}>Keep the current time</button>
          </div>
        </section>
      )}
      <RemindersToggle id={appointment.id} token={token} />
      <HomeCarePanel id={appointment.id} token={token} />
      <PatientOutcomes id={id} token={token} zone={clinic.time_zone} />
    </main>
  );
}
