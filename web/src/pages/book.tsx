import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Appointment, api, ApiError, Booked, Clinic, Hold, Practitioner, Problem, Service, Slot } from "../lib/api";
import { HoldCountdown } from "../components/hold_countdown";
import { AlternativeSlots, capable, SlotPicker } from "../components/slotpicker";
import { Details, DetailErrors, normalizePhone, serverFieldErrors, validateDetails, validateField } from "../lib/validate";
import { clinicRoot, focusHeading, linkProps } from "../lib/router";
import { formatLocalDate, formatLocalTime, formatPhone, localDate, telHref, zoneAbbreviation, zoneLabel } from "../lib/time";
import { addressLine, useCalendarHref, WHAT_TO_BRING } from "../lib/calendar";
import { confirmationText, statusLabel } from "../lib/request";
import { recentAssessment } from "./result";

const fieldLabels: Record<keyof Details, [string, string, string]> = {
  given_name: ["First name", "text", "given-name"],
  family_name: ["Last name", "text", "family-name"],
  email: ["Email", "email", "email"],
  phone: ["Phone", "tel", "tel"],
};

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** `token` is the assessment's (book?service=&assessment=#token=…). */
export function BookPage({ clinic, query, token: assessmentToken }: { clinic: Clinic; query: URLSearchParams; token: string }) {
  const assessmentId = query.get("assessment") ? +query.get("assessment")! : null;
  const [services, setServices] = useState<Service[] | null>(null);
  const [practitioners, setPractitioners] = useState<Practitioner[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [serviceId, setServiceId] = useState<number | null>(query.get("service") ? +query.get("service")! : null);
  // A deep link (SMART Scheduling Links' booking-deep-link on a FHIR Slot) names the time too:
  // book?service=&practitioner=&start= opens the details step for it.
  const [practitioner, setPractitioner] = useState<number | null>(query.get("practitioner") ? +query.get("practitioner")! : null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [details, setDetails] = useState<Details>({ given_name: "", family_name: "", email: "", phone: "" });
  const [errors, setErrors] = useState<DetailErrors>({});
  const [problem, setProblem] = useState<{ text: string; phone?: boolean; alternatives?: Slot[]; names?: Problem["practitioners"] } | null>(null);
  const [sending, setSending] = useState(false);
  const [booked, setBooked] = useState<Booked | null>(null);
  const key = useRef(newKey());
  const formRef = useRef<HTMLFormElement>(null);
  // The time held while the patient fills in details: taken when a time is chosen, released when
  // another is chosen (or the page is left), used up by the booking.
  const [hold, setHold] = useState<Hold | null>(null);
  const holdRef = useRef<Hold | null>(null);
  const choice = useRef(0);
  // The hold being asked for: a booking sent before its answer would race its own hold.
  const pendingHold = useRef<Promise<unknown>>(Promise.resolve());
  const release = () => {
    if (holdRef.current) api.releaseHold(holdRef.current.hold).catch(() => {});
    holdRef.current = null;
    setHold(null);
  };
  useEffect(() => {
    window.addEventListener("pagehide", release);
    return () => { window.removeEventListener("pagehide", release); release(); };
  }, []);

  // The services the assessment allows: undefined while not known yet, null when it cannot be
  // read (no or a wrong token), in which case this is a direct booking like one without it.
  const [allowed, setAllowed] = useState<number[] | null | undefined>(
    () => assessmentId ? recentAssessment(assessmentId)?.result.bookable_services.map((s) => s.id) : null);

  useEffect(() => {
    // After a reload the result is no longer in memory: read it again to offer only what it allows.
    if (allowed === undefined) {
      if (!assessmentToken) setAllowed(null);
      else api.assessment(assessmentId!, assessmentToken)
        .then((a) => setAllowed(a.result.bookable_services.map((s) => s.id))).catch(() => setAllowed(null));
    }
    Promise.all([api.services(), api.practitioners()])
      .then(([s, p]) => { setServices(s); setPractitioners(p); })
      .catch(setLoadError);
  }, []);

  // Chooses a time (or none) and holds it; the answer that comes last for an older choice is let go.
  const choose = (s: Slot | null, serviceFor: number | null = serviceId, who: number | null = practitioner) => {
    const mine = ++choice.current;
    release();
    setSlot(s);
    if (!s || serviceFor === null) return;
    pendingHold.current = api.hold(serviceFor, s.start, who).then((h) => {
      if (mine !== choice.current) { api.releaseHold(h.hold).catch(() => {}); return; }
      holdRef.current = h;
      setHold(h);
    }).catch((err) => {
      if (mine !== choice.current) return;
      const p = (err as ApiError).problem;
      // Taken or no longer bookable: say so and offer the nearest free times, as booking does.
      if (p?.reason && p.alternatives) {
        const why = p.reason === "taken" ? "Sorry, someone else has just taken or is holding that time."
          : "That time can no longer be booked online.";
        setProblem({ text: `${why} Here are the nearest free times.`, alternatives: p.alternatives, names: p.practitioners });
        setSlot(null);
      }
      // Otherwise (no answer, too many requests) the time stays chosen without a hold: booking
      // checks it anyway.
    });
  };

  const linkedStart = query.get("start");
  useEffect(() => {
    if (!linkedStart || serviceId === null) return;
    const day = localDate(clinic.time_zone, new Date(linkedStart));
    api.availability(serviceId, day, day, practitioner ?? undefined).then((a) => {
      const found = a.days.flatMap((d) => d.slots).find((s) => Date.parse(s.start) === Date.parse(linkedStart));
      if (found) choose(found);
      else setProblem({ text: "The time in your link is no longer free. Please choose another time below." });
    }).catch(() => {});
  }, []);
  // Once the linked time is chosen, the next thing to do is to give one's details.
  const linkedSlot = linkedStart !== null && slot !== null && Date.parse(slot.start) === Date.parse(linkedStart);
  useEffect(() => { if (linkedSlot) document.getElementById("details-heading")?.scrollIntoView(); }, [linkedSlot]);

  const offered = useMemo(() => {
    if (!services || allowed === undefined) return [];
    return services.filter((s) => allowed ? allowed.includes(s.id) : !s.new_patients_only);
  }, [services, allowed]);
  const followsAssessment = assessmentId !== null && Array.isArray(allowed);

  if (booked) return <Confirmation clinic={clinic} booked={booked} />;
  if (loadError) {
    return <main id="main" class="page"><h1>Book an appointment</h1>
      <p role="alert">The clinic's services could not be loaded. Reload the page, or call <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p></main>;
  }
  if (!services || allowed === undefined) return <main id="main" class="page"><h1>Book an appointment</h1><p role="status">Loading…</p></main>;
  const service = services.find((s) => s.id === serviceId) ?? null;

  const setField = (field: keyof Details, value: string) => {
    setDetails((d) => ({ ...d, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: validateField(field, value) }));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateDetails(details);
    setErrors(found);
    if (!slot) {
      setProblem({ text: "Choose a time above first." });
      return;
    }
    const first = (Object.keys(fieldLabels) as (keyof Details)[]).find((f) => found[f]);
    if (first) { formRef.current?.querySelector<HTMLInputElement>(`#${first}`)?.focus(); return; }
    setSending(true);
    setProblem(null);
    await pendingHold.current;
    const held = holdRef.current;
    try {
      const body = {
        service: service!.id, practitioner, start: slot.start,
        patient: { given_name: details.given_name.trim(), family_name: details.family_name.trim(),
          email: details.email.trim(), phone: normalizePhone(details.phone) },
        ...(followsAssessment ? { assessment: assessmentId } : {}),
        ...(held ? { hold: held.hold } : {}),
      };
      const done = await api.book(body, key.current);
      holdRef.current = null;  // used up by the booking
      setBooked(done);
      window.scrollTo(0, 0);
    } catch (err) {
      const error = err as ApiError;
      const p = error.problem;
      if (error.unreachable) {
        setProblem({ text: "The clinic's server did not answer, so the booking may not have been made. Your details are kept: press Book again (it will never book twice)." });
      } else {
        key.current = newKey();
        if (p?.reason && p.alternatives) {
          const why = p.reason === "taken" ? "Sorry, someone else just booked that time."
            : "That time can no longer be booked online.";
          setProblem({ text: `${why} Here are the nearest free times; your details are kept.`, alternatives: p.alternatives, names: p.practitioners });
          choose(null);
        } else if (p?.errors?.some((x) => x.field.startsWith("patient."))) {
          setErrors(serverFieldErrors(p.errors));
          setProblem({ text: "Please check the fields marked below." });
        } else {
          // A patient the clinic books by phone only: the detail already gives the number.
          setProblem({ text: p?.detail ?? error.message, phone: p?.reason !== "online_booking_blocked" });
        }
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <main id="main" class="page">
      <h1>Book an appointment</h1>
      {assessmentId !== null && !followsAssessment && <p class="note">Your knot check could not be read from this link, so
        the treatments below are those anyone can book directly.</p>}
      {!followsAssessment && <p class="note">New to the clinic, or not sure what you need? <a {...linkProps("check")}>Check my knots first</a>.</p>}
      <section aria-labelledby="service-heading">
        <h2 id="service-heading">1. Treatment</h2>
        <fieldset class="services">
          <legend>Choose a treatment</legend>
          {offered.length === 0 && (
            <p role="alert">Your knot check does not allow booking online. Please call the clinic
              on <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p>
          )}
          {offered.map((s) => (
            <label key={s.id} class="service-option">
              <input type="radio" name="service" value={String(s.id)} checked={serviceId === s.id}
                onChange={() => { setServiceId(s.id); choose(null); setPractitioner(null); setProblem(null); }} />
              <span><strong>{s.name}</strong> · {s.duration_minutes} min · {s.price.display}<br /><small>{s.description}</small></span>
            </label>
          ))}
        </fieldset>
      </section>
      {service && (
        <section aria-labelledby="time-heading">
          <h2 id="time-heading">2. Day and time</h2>
          <SlotPicker clinic={clinic} serviceId={service.id} practitioners={capable(practitioners, service)}
            practitioner={practitioner} onPractitioner={(p) => { setPractitioner(p); choose(null); }}
            selected={slot} onSelect={(s) => { choose(s); setProblem(null); }} />
          <p class="waitlist-link">No time that suits you? <a {...linkProps(`waitlist?service=${service.id}`)}>Join the
            waitlist</a> and we will offer you a time that frees up.</p>
        </section>
      )}
      {service && (
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">3. Your details</h2>
          <form ref={formRef} onSubmit={submit} noValidate>
            {slot && hold && <HoldCountdown key={hold.hold} expiresAt={hold.expires_at} onPickAgain={() => {
              choose(null);
              document.getElementById("time-heading")?.scrollIntoView();
              document.querySelector<HTMLButtonElement>(".slot-picker button.slot")?.focus();
            }} />}
            {(Object.keys(fieldLabels) as (keyof Details)[]).map((f) => {
              const [text, type, auto] = fieldLabels[f];
              return (
                <div class="field" key={f}>
                  <label for={f}>{text}</label>
                  <input id={f} name={f} type={type} autoComplete={auto} value={details[f]}
                    aria-invalid={errors[f] ? "true" : "false"} aria-describedby={errors[f] ? `${f}-error` : undefined}
                    onInput={(e) => setField(f, e.currentTarget.value)}
                    onBlur={(e) => {
                      // Moving on to the Book button: submit checks every field, and a message
                      // appearing now would move the button away from under the pointer.
                      if ((e.relatedTarget as HTMLButtonElement | null)?.type === "submit") return;
                      const v = e.currentTarget.value;
                      if (v) setErrors((x) => ({ ...x, [f]: validateField(f, v) }));
                    }} />
                  {errors[f] && <p class="field-error" id={`${f}-error`}>{errors[f]}</p>}
                </div>
              );
            })}
            {problem && (
              <div class="error" role="alert">
                <p>{problem.text}{problem.phone && <> Call <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</>}</p>
                <AlternativeSlots slots={problem.alternatives} names={problem.names}
                  onPick={(s) => { choose(s); setProblem(null); }} />
              </div>
            )}
            <button type="submit" class="primary" disabled={sending}>{sending ? "Booking…" : "Book"}</button>
          </form>
        </section>
      )}
    </main>
  );
}

export function Confirmation({ clinic, booked }: { clinic: Clinic; booked: Booked }) {
  const a: Appointment = booked.appointment;
  const manageUrl = new URL(booked.manage_url, location.origin).toString();
  const manageRoute = booked.manage_url.startsWith(clinicRoot()) ? booked.manage_url.slice(clinicRoot().length) : null;
  useLayoutEffect(focusHeading, []);
  const ics = useCalendarHref(a.id, booked.manage_token, a.start);
  const text = confirmationText(a.status);
  return (
    <main id="main" class="page">
      <h1>{text.heading}</h1>
      <p role="status">{text.status}</p>
      <AppointmentDetails clinic={clinic} appointment={a} />
      <h2>What to bring</h2>
      <p>{WHAT_TO_BRING}</p>
      <div class="actions">
        {ics && <a class="button" href={ics} download={`appointment-${a.id}.ics`}>Add to my calendar (.ics)</a>}
      </div>
      <h2>Change or cancel</h2>
      <p>Keep this link: it is the only way to see, move or cancel the appointment online.</p>
      <p><a class="manage-link" {...(manageRoute ? linkProps(manageRoute) : { href: booked.manage_url })}>{manageUrl}</a></p>
    </main>
  );
}

export function AppointmentDetails({ clinic, appointment: a }: { clinic: Clinic; appointment: Appointment }) {
  return (
    <dl class="appointment">
      <dt>Treatment</dt><dd>{a.service.name}</dd>
      <dt>Date</dt><dd>{formatLocalDate(a.local_start)}</dd>
      <dt>Time</dt><dd>{formatLocalTime(a.local_start)} – {formatLocalTime(a.local_end)} {zoneAbbreviation(a.time_zone, a.start)} ({zoneLabel(a.time_zone)})</dd>
      <dt>Practitioner</dt><dd>{a.practitioner.display_name}</dd>
      <dt>Where</dt><dd>{clinic.name}, {addressLine(clinic)} ({a.room.name})</dd>
      <dt>Status</dt><dd class="status">{statusLabel(a.status)}</dd>
    </dl>
  );
}
