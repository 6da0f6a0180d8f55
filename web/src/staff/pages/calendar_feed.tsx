// A practitioner's calendar feed (issue 17): the secret link their phone's calendar subscribes
// to, shown once when made, with its webcal:// form; a new link replaces the old at once. On "My
// account" for a practitioner, on the practitioner's set-up page for the owner. Also the clinic's
// choice of patient names or initials in feeds (clinic details page).
import { useState } from "preact/hooks";
import { StaffApiError } from "../api";
import { allowed } from "../nav";
import { feedButtonLabel, FeedLink, feedSettings, feedStatus, newFeedLink, rotateQuestion, setFeedPatientNames,
  turnOffFeed } from "../feed_api";
import { saveMessage, Saved, StaffContext, useLoad, when } from "../ui";

export function CalendarFeed({ ctx, practitioner, whose }: { ctx: StaffContext; practitioner: number; whose: string }) {
  const zone = ctx.clinic.time_zone;
  const status = useLoad(() => feedStatus(ctx.client, practitioner), [practitioner]);
  const [link, setLink] = useState<FeedLink | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setProblem(null); setDone(null); setBusy(true);
    try { await action(); } catch (err) { setProblem(saveMessage(err as StaffApiError)); } finally { setBusy(false); setAsking(false); }
  };
  const make = () => run(async () => {
    setLink(await newFeedLink(ctx.client, practitioner));
    setCopied(false);
    status.reload();
  });
  const off = () => run(async () => {
    await turnOffFeed(ctx.client, practitioner);
    setLink(null);
    setDone("The calendar feed is off: its link no longer works.");
    status.reload();
  });
  const copy = async () => {
    if (!link) return;
    try { await navigator.clipboard.writeText(link.url); setCopied(true); } catch { setCopied(false); }
  };
  const question = rotateQuestion(status.data);

  return (
    <section aria-labelledby="feed-heading" class="calendar-feed">
      <h2 id="feed-heading">Calendar feed</h2>
      <p class="hint">A private link that {whose} phone or computer calendar subscribes to: coming appointments for
        the next 90 days, patients by initials unless the clinic shows names. Anyone with the link can read it.</p>
      {status.error ? <p class="error" role="alert">{saveMessage(status.error)}</p> : !status.data ? <p role="status">Loading…</p> : (
        <p role="status">{status.data.exists ? `On, link made ${when(status.data.created_at, zone)}.` : "Off: no link yet."}</p>
      )}
      {link && (
        <div class="feed-link">
          <p><strong>Your new link (shown only now):</strong></p>
          <label for="feed-url">Feed link</label>
          <input id="feed-url" type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
          <p>
            <button type="button" onClick={copy}>Copy link</button>{" "}
            <a href={link.webcal}>Open in my calendar app (webcal)</a>
          </p>
          {copied && <p role="status">Copied.</p>}
        </div>
      )}
      {asking && question ? (
        <div role="alertdialog" aria-labelledby="feed-question">
          <p id="feed-question">{question}</p>
          <button type="button" class="primary" disabled={busy} onClick={make}>Yes, make a new link</button>{" "}
          <button type="button" onClick={() => setAsking(false)}>Keep the old link</button>
        </div>
      ) : (
        <p>
          <button type="button" class="primary" disabled={busy || !status.data}
            onClick={() => (question ? setAsking(true) : make())}>{feedButtonLabel(status.data)}</button>{" "}
          {status.data?.exists && <button type="button" class="danger" disabled={busy} onClick={off}>Turn off</button>}
        </p>
      )}
      {problem && <p class="error" role="alert">{problem}</p>}
      <Saved text={done} />
    </section>
  );
}

/** On "My account": the signed-in practitioner's own feed. */
export function MyCalendarFeed({ ctx }: { ctx: StaffContext }) {
  const practitioner = ctx.session.staff.practitioner_id;
  if (practitioner === null || !allowed(ctx.session.permissions, "manage_calendar_feed")) return null;
  return <CalendarFeed ctx={ctx} practitioner={practitioner} whose="your" />;
}

/** On a practitioner's set-up page, for a role that manages anyone's feed (the owner). */
export function PractitionerCalendarFeed({ ctx, practitioner }: { ctx: StaffContext; practitioner: number }) {
  if (ctx.session.permissions.manage_calendar_feed !== "clinic") return null;
  return <CalendarFeed ctx={ctx} practitioner={practitioner} whose="the practitioner's" />;
}

/** The clinic's choice: patients' names in feeds, or initials (the default). */
export function FeedNamesSetting({ ctx, editable }: { ctx: StaffContext; editable: boolean }) {
  const load = useLoad(() => feedSettings(ctx.client), []);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  if (!load.data) return null;
  const change = async (names: boolean) => {
    setProblem(null); setSaved(null);
    try {
      load.setData(await setFeedPatientNames(ctx.client, names));
      setSaved("Saved.");
    } catch (err) { setProblem(saveMessage(err as StaffApiError)); }
  };
  return (
    <fieldset>
      <legend>Practitioners' calendar feeds</legend>
      <label class="check"><input type="checkbox" id="f-calendar_feed_patient_names" checked={load.data.patient_names}
        disabled={!editable} onChange={(e) => change(e.currentTarget.checked)} />
        {" "}Show patients' names in calendar feeds (otherwise initials, e.g. "A. R.")</label>
      {problem && <p class="error" role="alert">{problem}</p>}
      <Saved text={saved} />
    </fieldset>
  );
}
