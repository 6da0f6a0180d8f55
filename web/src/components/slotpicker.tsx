// Days and start times of one service in the clinic's time zone, a week at a time, with the
// practitioner "any" or a named one (with a short bio).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, Availability, Clinic, Practitioner, Slot } from "../lib/api";
import { browserZone, formatInstantTime, formatLocalDate, formatLocalTime, formatShortDate,
  localDate, zoneAbbreviation, zoneLabel } from "../lib/time";

interface Props {
  clinic: Clinic;
  serviceId: number;
  practitioners: Practitioner[]; // those who deliver the service
  practitioner: number | null;
  onPractitioner: (id: number | null) => void;
  selected: Slot | null;
  onSelect: (slot: Slot) => void;
}

export function SlotPicker({ clinic, serviceId, practitioners, practitioner, onPractitioner, selected, onSelect }: Props) {
  const [week, setWeek] = useState(0);
  const [data, setData] = useState<Availability | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const zone = clinic.time_zone;
  const from = localDate(zone, new Date(), week * 7);
  const to = localDate(zone, new Date(), week * 7 + 6);
  const maxWeek = Math.max(0, Math.ceil(clinic.booking_policy.horizon_days / 7) - 1);

  useEffect(() => {
    setData(null);
    setError(null);
    api.availability(serviceId, from, to, practitioner ?? undefined).then(setData).catch(setError);
  }, [serviceId, from, to, practitioner, attempt]);

  const mine = browserZone();
  const chosen = practitioners.find((p) => p.id === practitioner);
  const now = new Date();
  return (
    <div class="slot-picker">
      <div class="field">
        <label for="practitioner">Practitioner</label>
        <select id="practitioner" value={practitioner === null ? "" : String(practitioner)}
          onChange={(e) => onPractitioner(e.currentTarget.value ? +e.currentTarget.value : null)}>
          <option value="">Any available practitioner</option>
          {practitioners.map((p) => <option key={p.id} value={String(p.id)}>{p.display_name}</option>)}
        </select>
        {chosen && <p class="bio">{chosen.bio}</p>}
      </div>
      <p class="zone-note" id="zone-note">
        Times are in the clinic's time zone: <strong>{zoneLabel(zone)} ({zoneAbbreviation(zone, now)})</strong>.
        {mine && mine !== zone && <> Your device is set to {zoneLabel(mine)}; we show your time next to the chosen slot.</>}
      </p>
      <div class="week-nav">
        <button type="button" disabled={week === 0} onClick={() => setWeek((w) => w - 1)}>Earlier week</button>
        <span aria-live="polite">{formatShortDate(from)} – {formatShortDate(to)}</span>
        <button type="button" disabled={week >= maxWeek} onClick={() => setWeek((w) => w + 1)}>Later week</button>
      </div>
      {error && <div role="alert" class="error"><p>{error.unreachable ? "The clinic's server did not answer." : error.message}</p>
        <button type="button" onClick={() => setAttempt((a) => a + 1)}>Try again</button></div>}
      {!data && !error && <p role="status">Loading free times…</p>}
      {data && (
        <div class="days">
          {data.days.every((d) => d.slots.length === 0) && <p>No free times this week. Try a later week or another practitioner.</p>}
          {data.days.filter((d) => d.slots.length > 0).map((d) => (
            <section key={d.date} class="day" aria-label={formatLocalDate(d.date)}>
              <h3>{formatShortDate(d.date)}</h3>
              <ul class="slots">
                {d.slots.map((s) => (
                  <li key={s.start}>
                    <button type="button" class="slot" data-start={s.start} aria-pressed={selected?.start === s.start}
                      aria-label={`${formatLocalDate(d.date)} at ${formatLocalTime(s.local_start)}`}
                      onClick={() => onSelect(s)}>{formatLocalTime(s.local_start)}</button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      {selected && (
        <p class="chosen" role="status">Chosen: {formatLocalDate(selected.local_start)} at {formatLocalTime(selected.local_start)} {zoneAbbreviation(zone, selected.start)}
          {mine && mine !== zone && <> ({formatInstantTime(selected.start, mine)} your time)</>}</p>
      )}
    </div>
  );
}

/** The active practitioners who may deliver a service (docs/api.md, Services). */
export function capable(practitioners: Practitioner[], service: { allowed_roles: string[]; required_skills: string[] }) {
  return practitioners.filter((p) => p.active && service.allowed_roles.includes(p.role) &&
    service.required_skills.every((s) => p.skills.includes(s)));
}

/**
 * The nearest free times the server offered after refusing one (a 409 or 422 with alternatives),
 * as buttons; with the server's practitioner names, each says with whom.
 */
export function AlternativeSlots({ slots, names, onPick }: {
  slots: Slot[] | undefined; names?: { id: number; display_name: string }[]; onPick: (slot: Slot) => void;
}) {
  if (!slots?.length) return null;
  return (
    <ul class="slots">{slots.map((s) => {
      const who = s.options?.[0] ? names?.find((n) => n.id === s.options[0].practitioner)?.display_name : undefined;
      return <li key={s.start}><button type="button" class="slot" onClick={() => onPick(s)}>
        {formatLocalDate(s.local_start)} at {formatLocalTime(s.local_start)}{who ? ` with ${who}` : ""}</button></li>;
    })}</ul>
  );
}
