// The waitlist (issue 16): join it when no time suits (waitlist?service=), see or leave the entry
// from its link (waitlist/entry#token=), and see and confirm an offered time from the offer's link
// (waitlist/offer#token=). Tokens travel in the fragment and an Authorization header only.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, Booked, Clinic, Practitioner, Service, WaitlistEntry, WaitlistOffer } from "../lib/api";
import { Details, DetailErrors, normalizePhone, serverFieldErrors, validateDetails } from "../lib/validate";
import { clinicRoot, focusHeading, linkProps } from "../lib/router";
import { formatLocalDate, formatLocalTime, formatPhone, localDate, telHref } from "../lib/time";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const PARTS: [string, string, string][] = [
  ["Mornings (8:00–12:00)", "08:00", "12:00"],
  ["Afternoons (12:00–17:00)", "12:00", "17:00"],
  ["Evenings (17:00–21:00)", "17:00", "21:00"],
];

export function WaitlistPage({ clinic, query }: { clinic: Clinic; query: URLSearchParams }) {
  const [services, setServices] = useState<Service[]>([]);
  const [practitioners, setPractitioners] = useState<Practitioner[]>([]);
  const [serviceId, setServiceId] = useState<number | null>(query.get("service") ? +query.get("service")! : null);
  const [practitioner, setPractitioner] = useState<string>(query.get("practitioner") ?? "any");
  const [days, setDays] = useState<string[]>(DAYS.slice(0, 5));
  const [parts, setParts] = useState<number[]>([0, 1]);
  const [until, setUntil] = useState<string>(localDate(clinic.time_zone, new Date(), 28));
  const [details, setDetails] = useState<Details>({ given_name: "", family_name: "", email: "", phone: "" });
  const [errors, setErrors] = useState<DetailErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [joined, setJoined] = useState<{ entry: WaitlistEntry; token: string } | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    api.services().then(setServices).catch(() => setProblem("The services could not be loaded."));
    api.practitioners().then(setPractitioners).catch(() => {});
  }, []);
  useEffect(() => { if (joined) focusHeading(); }, [joined]);

  if (joined) {
    const link = `${location.origin}${clinicRoot()}waitlist/entry#token=${encodeURIComponent(joined.token)}`;
    return (
      <main id="main" class="page">
        <h1>You are on the waitlist</h1>
        <p role="status">We will send a message to {joined.entry.patient.email} when a matching time frees up.
          The first to confirm gets it.</p>
        <p>Keep this link to see or leave your place: <a href={link}>your waitlist entry</a>.</p>
      </main>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateDetails(details);
    setErrors(found);
    if (!serviceId) { setProblem("Choose a service."); return; }
    if (days.length === 0 || parts.length === 0) { setProblem("Choose at least one day and one time of day."); return; }
    if (Object.keys(found).length > 0) return;
    setSending(true);
    setProblem(null);
    try {
      const body = {
        service: serviceId,
        practitioner: practitioner === "any" ? "any" : +practitioner,
        windows: parts.map((p) => ({ days, from: PARTS[p][1], to: PARTS[p][2] })),
        until,
        patient: { ...details, phone: normalizePhone(details.phone) },
      };
      setJoined(await api.joinWaitlist(body));
    } catch (err) {
      const problemBody = (err as ApiError).problem;
      setErrors(serverFieldErrors(problemBody?.errors));
      setProblem(problemBody?.errors?.[0] ? `${problemBody.errors[0].field}: ${problemBody.errors[0].reason}`
        : (err as ApiError).message);
    } finally {
      setSending(false);
    }
  };
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  return (
    <main id="main" class="page">
      <h1>Join the waitlist</h1>
      <p>No time suits you? Tell us when you could come, and we will offer you a time that frees up.</p>
      <form onSubmit={submit} noValidate>
        <label>Service
          <select name="service" value={serviceId ?? ""} onChange={(e) => setServiceId(+(e.target as HTMLSelectElement).value || null)}>
            <option value="">Choose a service</option>
            {services.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>Practitioner
          <select name="practitioner" value={practitioner} onChange={(e) => setPractitioner((e.target as HTMLSelectElement).value)}>
            <option value="any">Anyone</option>
            {practitioners.map((p) => <option key={p.id} value={String(p.id)}>{p.display_name}</option>)}
          </select>
        </label>
        <fieldset><legend>Days</legend>
          {DAYS.map((d, i) => (
            <label key={d} class="inline"><input type="checkbox" name="day" value={d} checked={days.includes(d)}
              onChange={() => setDays(toggle(days, d))} /> {DAY_LABELS[i]}</label>))}
        </fieldset>
        <fieldset><legend>Times of day</legend>
          {PARTS.map(([label], i) => (
            <label key={label} class="inline"><input type="checkbox" name="part" checked={parts.includes(i)}
              onChange={() => setParts(toggle(parts, i))} /> {label}</label>))}
        </fieldset>
        <label>Until
          <input type="date" name="until" value={until} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
        </label>
        {(["given_name", "family_name", "email", "phone"] as (keyof Details)[]).map((field) => (
          <label key={field}>{{ given_name: "First name", family_name: "Last name", email: "Email", phone: "Phone" }[field]}
            <input name={field} type={field === "email" ? "email" : field === "phone" ? "tel" : "text"} value={details[field]}
              aria-invalid={errors[field] ? "true" : undefined}
              onInput={(e) => setDetails({ ...details, [field]: (e.target as HTMLInputElement).value })} />
            {errors[field] && <span class="error">{errors[field]}</span>}
          </label>
        ))}
        {problem && <p role="alert">{problem}</p>}
        <button type="submit" disabled={sending}>Join the waitlist</button>
      </form>
      <p>Or call us on <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p>
    </main>
  );
}

export function WaitlistEntryPage({ token }: { clinic: Clinic; token: string }) {
  const [entry, setEntry] = useState<WaitlistEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.waitlistEntry(token).then(setEntry).catch(() => setError("This link does not lead to a waitlist entry."));
  }, [token]);
  if (error) return <main id="main" class="page"><h1>Waitlist</h1><p role="alert">{error}</p></main>;
  if (!entry) return <main id="main" class="page"><p role="status">Loading…</p></main>;
  const leave = async () => {
    try { setEntry(await api.leaveWaitlist(token)); } catch (e) { setError((e as ApiError).message); }
  };
  return (
    <main id="main" class="page">
      <h1>Your waitlist entry</h1>
      <p>{entry.service.name}{entry.practitioner ? ` with ${entry.practitioner.display_name}` : ""}, until {entry.until}.</p>
      <p role="status">{entry.status === "waiting" ? "You are on the waitlist."
        : entry.status === "booked" ? "You were booked from the waitlist."
        : entry.status === "left" ? "You have left the waitlist." : "This entry has ended."}</p>
      {entry.status === "waiting" && <button type="button" onClick={leave}>Leave the waitlist</button>}
    </main>
  );
}

export function OfferPage({ clinic, token }: { clinic: Clinic; token: string }) {
  const [offer, setOffer] = useState<WaitlistOffer | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const [booked, setBooked] = useState<Booked | null>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    api.offer(token).then(setOffer).catch((e: ApiError) => setGone(e.status === 409
      ? "Sorry, this time is gone: another patient took it or the offer expired. You are still on the waitlist."
      : "This link does not lead to an offer."));
  }, [token]);
  useEffect(() => { if (booked || gone) focusHeading(); }, [booked, gone]);
  if (booked) {
    return (
      <main id="main" class="page">
        <h1>You're booked</h1>
        <p role="status">{booked.appointment.service.name} on {formatLocalDate(booked.appointment.local_start)} at {formatLocalTime(booked.appointment.local_start)}.</p>
        <p><a href={booked.manage_url}>See or change your appointment</a></p>
      </main>
    );
  }
  if (gone) return <main id="main" class="page"><h1>This time is gone</h1><p role="alert">{gone}</p><p><a {...linkProps("book")}>See other times</a></p></main>;
  if (!offer) return <main id="main" class="page"><p role="status">Loading the offer…</p></main>;
  const confirm = async () => {
    setSending(true);
    try { setBooked(await api.confirmOffer(token)); }
    catch (e) {
      setGone((e as ApiError).status === 409
        ? "Sorry, this time is gone: another patient confirmed it first. You are still on the waitlist."
        : (e as ApiError).message);
    } finally { setSending(false); }
  };
  return (
    <main id="main" class="page">
      <h1>A time has opened up</h1>
      <p>{offer.service.name} with {offer.practitioner.display_name}</p>
      <p><strong>{formatLocalDate(offer.local_start)} at {formatLocalTime(offer.local_start)}</strong> ({clinic.name})</p>
      <p>It is kept for you until {formatLocalTime(offer.expires_at.slice(0, 19))} UTC; whoever confirms first gets it.</p>
      <button type="button" onClick={confirm} disabled={sending}>Confirm this time</button>
    </main>
  );
}
