// Patient messages, staff side (issue 16). "Messages": the confirmations, reminders and notices
// that could not be delivered, with the last error and whom to call, and a way to send one again
// once the address or the mail server is fixed. "Set-up → Patient messages": reminder hours, the
// SMS webhook, how long a chosen time is held, and the clinic's own wording of each message,
// previewed for a sample visit before it is saved.
import { useState } from "preact/hooks";
import { linkProps } from "../../lib/router";
import { StaffApiError } from "../api";
import { allowed } from "../nav";
import {
  deadMessages, describeDead, messageSettings, messageTemplates, Preview, previewTemplate, resetTemplate,
  retryMessage, saveMessageSettings, saveTemplate, TemplateRow, Templates, unknownPlaceholders, Wording, wordingOf,
} from "../messages_api";
import { parseWhole } from "../forms";
import { canEdit, ReadOnlyNote } from "./setup";
import { ErrorSummary, Field, LoadFailed, Page, Saved, saveErrors, saveMessage, StaffContext, useFormErrors, useLoad,
  when } from "../ui";

export function DeadMessagesPage({ ctx }: { ctx: StaffContext }) {
  const zone = ctx.clinic.time_zone;
  const load = useLoad(() => deadMessages(ctx.client), []);
  const [busy, setBusy] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const mayRetry = allowed(ctx.session.permissions, "retry_message");
  const retry = async (id: number) => {
    setBusy(id); setProblem(null); setStatus(null);
    try {
      await retryMessage(ctx.client, id);
      setStatus("Queued again: it goes out with the next delivery round.");
      load.reload();
    } catch (err) {
      setProblem(saveMessage(err as StaffApiError));
    } finally {
      setBusy(null);
    }
  };
  const list = load.data;
  return (
    <Page title="Undelivered messages">
      <p class="note">Confirmations, reminders and notices that could not be delivered after every retry. Call the
        patient if it matters, fix the address on their record or the clinic's mail settings, then send it again.</p>
      {problem && <p class="error" role="alert">{problem}</p>}
      <Saved text={status} />
      {load.error ? <LoadFailed error={load.error} retry={load.reload} /> : !list ? <p role="status">Loading…</p>
        : list.length === 0 ? <p role="status">No undelivered messages.</p> : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Undelivered messages (scrolls sideways on small screens)">
            <table class="list">
              <thead><tr><th scope="col">Patient</th><th scope="col">Message</th><th scope="col">Appointment</th>
                <th scope="col">Last error</th><th scope="col">Queued</th>{mayRetry && <th scope="col">Action</th>}</tr></thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id}>
                    <td class="break">{m.patient
                      ? <><a {...linkProps(`staff/patients/${m.patient.id}`)}>{m.patient.given_name} {m.patient.family_name}</a>
                        <br />{m.channel === "sms" ? m.patient.phone : m.patient.email}</>
                      : "—"}</td>
                    <td>{describeDead(m)}</td>
                    <td>{m.appointment ? `${when(m.appointment.start, zone)}, ${m.appointment.service.name}` : "—"}</td>
                    <td class="break">{m.last_error || "—"}</td>
                    <td>{when(m.created_at, zone)}</td>
                    {mayRetry && <td><button type="button" disabled={busy !== null} onClick={() => retry(m.id)}
                      aria-label={`Send again: ${describeDead(m)}${m.patient ? ` to ${m.patient.given_name} ${m.patient.family_name}` : ""}`}>
                      {busy === m.id ? "Queuing…" : "Send again"}</button></td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Page>
  );
}

const SETTING_LABELS = {
  reminder_hours: "Reminder before the visit (hours)", hold_minutes: "Hold a chosen time for (minutes)",
  waitlist_offer_minutes: "Hold a time offered from the waitlist for (minutes)",
  waitlist_offers_at_once: "Waitlist offers at once",
  sms_webhook_url: "SMS webhook URL", sms_webhook_secret: "SMS webhook secret",
};

function SettingsForm({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => messageSettings(ctx.client), []);
  const [v, setV] = useState<{ reminder_hours: string; hold_minutes: string; sms_webhook_url: string; secret: string;
    waitlist_offer_minutes: string; waitlist_offers_at_once: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const s = load.data;
  if (load.error) return <LoadFailed error={load.error} retry={load.reload} />;
  if (!s) return <p role="status">Loading…</p>;
  const values = v ?? { reminder_hours: String(s.reminder_hours), hold_minutes: String(s.hold_minutes),
    waitlist_offer_minutes: String(s.waitlist_offer_minutes), waitlist_offers_at_once: String(s.waitlist_offers_at_once),
    sms_webhook_url: s.sms_webhook_url, secret: "" };
  const set = (k: keyof typeof values) => (value: string) => { setV({ ...values, [k]: value }); form.clearField(k === "secret" ? "sms_webhook_secret" : k); };
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const hours = parseWhole(values.reminder_hours, 0, 336);
    const minutes = parseWhole(values.hold_minutes, 2, 30);
    const offerMinutes = parseWhole(values.waitlist_offer_minutes, 1, 240);
    const atOnce = parseWhole(values.waitlist_offers_at_once, 1, 20);
    const fields: Record<string, string> = {};
    if (hours.error !== undefined) fields.reminder_hours = hours.error;
    if (minutes.error !== undefined) fields.hold_minutes = minutes.error;
    if (offerMinutes.error !== undefined) fields.waitlist_offer_minutes = offerMinutes.error;
    if (atOnce.error !== undefined) fields.waitlist_offers_at_once = atOnce.error;
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    form.clear();
    setBusy(true);
    try {
      const change: Record<string, unknown> = {
        reminder_hours: hours.value, hold_minutes: minutes.value,
        waitlist_offer_minutes: offerMinutes.value, waitlist_offers_at_once: atOnce.value,
        sms_webhook_url: values.sms_webhook_url.trim(),
      };
      if (values.secret) change.sms_webhook_secret = values.secret;
      load.setData(await saveMessageSettings(ctx.client, change));
      setV(null);
      setSaved("Message settings saved.");
    } catch (err) {
      form.fail(saveErrors(err as StaffApiError, Object.keys(SETTING_LABELS)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="settings-heading">
      <h2 id="settings-heading">Reminders, SMS, holds and waitlist offers</h2>
      <ErrorSummary errors={form.errors} labels={SETTING_LABELS} summary={form.summary} />
      <fieldset class="plain" disabled={!editable}>
        <Field name="reminder_hours" label={SETTING_LABELS.reminder_hours} inputMode="numeric" value={values.reminder_hours}
          hint="0 sends no reminders." error={form.errors.fields.reminder_hours} onValue={set("reminder_hours")} />
        <Field name="hold_minutes" label={SETTING_LABELS.hold_minutes} inputMode="numeric" value={values.hold_minutes}
          hint="While a patient types their details online, nobody else can book the time they chose (2–30)."
          error={form.errors.fields.hold_minutes} onValue={set("hold_minutes")} />
        <Field name="waitlist_offer_minutes" label={SETTING_LABELS.waitlist_offer_minutes} inputMode="numeric"
          value={values.waitlist_offer_minutes} hint="A freed time offered to someone on the waitlist is kept for them this long (1–240)."
          error={form.errors.fields.waitlist_offer_minutes} onValue={set("waitlist_offer_minutes")} />
        <Field name="waitlist_offers_at_once" label={SETTING_LABELS.waitlist_offers_at_once} inputMode="numeric"
          value={values.waitlist_offers_at_once} hint="1 offers a freed time to one person at a time; more offers it to that many at once, first to confirm books it (1–20)."
          error={form.errors.fields.waitlist_offers_at_once} onValue={set("waitlist_offers_at_once")} />
        <Field name="sms_webhook_url" label={SETTING_LABELS.sms_webhook_url} type="url" value={values.sms_webhook_url}
          hint="Your SMS provider's https:// address; leave empty to send no SMS." error={form.errors.fields.sms_webhook_url}
          onValue={set("sms_webhook_url")} />
        <Field name="sms_webhook_secret" label={SETTING_LABELS.sms_webhook_secret} type="password" value={values.secret}
          autoComplete="new-password"
          hint={s.sms_webhook_secret_set ? "A secret is set; it is never shown. Type a new one to replace it." : "At least 16 characters; signs each request."}
          error={form.errors.fields.sms_webhook_secret} onValue={set("secret")} />
        {editable && <button type="submit" class="primary" disabled={busy}>{busy ? "Saving…" : "Save message settings"}</button>}
      </fieldset>
      <Saved text={saved} />
    </form>
  );
}

const WORDING_LABELS = { subject: "E-mail subject", text: "E-mail text", sms: "SMS text" };

function TemplateEditor({ ctx, row, placeholders, onSaved }: {
  ctx: StaffContext; row: TemplateRow; placeholders: string[]; onSaved: () => void;
}) {
  const [w, setW] = useState<Wording>(wordingOf(row));
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const scope = row.kind;
  const name = (f: keyof Wording) => `${scope}:${f}`;
  const set = (f: keyof Wording) => (value: string) => { setW({ ...w, [f]: value }); form.clearField(name(f)); };
  const check = (): boolean => {
    const fields: Record<string, string> = {};
    for (const f of ["subject", "text", "sms"] as const) {
      if (!w[f].trim()) fields[name(f)] = "Enter some text.";
      const unknown = unknownPlaceholders(w[f], placeholders);
      if (unknown.length) fields[name(f)] = `Unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}.`;
    }
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return false; }
    form.clear();
    return true;
  };
  const run = async (action: () => Promise<void>) => {
    setSaved(null);
    setBusy(true);
    try { await action(); } catch (err) {
      form.fail(saveErrors(err as StaffApiError, ["subject", "text", "sms"], scope));
    } finally { setBusy(false); }
  };
  const doPreview = () => { if (check()) void run(async () => setPreview(await previewTemplate(ctx.client, row.kind, w))); };
  const save = (e: Event) => {
    e.preventDefault();
    if (!check()) return;
    void run(async () => { await saveTemplate(ctx.client, row.kind, w); setSaved(`Saved: the ${row.label.toLowerCase()} now uses your wording.`); onSaved(); });
  };
  const reset = () => void run(async () => {
    await resetTemplate(ctx.client, row.kind);
    setW({ ...row.default });
    setPreview(null);
    setSaved("Back to the built-in wording.");
    onSaved();
  });
  const labels = Object.fromEntries(Object.entries(WORDING_LABELS).map(([k, l]) => [name(k as keyof Wording), l]));
  return (
    <details class="template" id={`template-${row.kind}`}>
      <summary>{row.label} — {row.own ? "the clinic's own wording" : "built-in wording"}</summary>
      <form onSubmit={save} noValidate aria-label={`Wording of the ${row.label.toLowerCase()}`}>
        <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
        <fieldset class="plain" disabled={!editable}>
          <Field name={name("subject")} label={WORDING_LABELS.subject} value={w.subject} error={form.errors.fields[name("subject")]}
            onValue={set("subject")} />
          <Field name={name("text")} label={WORDING_LABELS.text} type="textarea" value={w.text}
            hint="A blank line starts a new paragraph." error={form.errors.fields[name("text")]} onValue={set("text")} />
          <Field name={name("sms")} label={WORDING_LABELS.sms} value={w.sms}
            hint="Kept within 160 characters where it can be: long names are shortened, then the link dropped."
            error={form.errors.fields[name("sms")]} onValue={set("sms")} />
        </fieldset>
        <div class="actions">
          <button type="button" onClick={doPreview} disabled={busy}>Preview</button>
          {editable && <button type="submit" class="primary" disabled={busy}>Save wording</button>}
          {editable && row.own && <button type="button" onClick={reset} disabled={busy}>Use the built-in wording</button>}
        </div>
        <Saved text={saved} />
      </form>
      {preview && (
        <section class="preview" aria-label={`Preview of the ${row.label.toLowerCase()}`}>
          <h3>Preview for a sample visit tomorrow at 09:00</h3>
          <p><strong>Subject:</strong> {preview.subject}</p>
          <pre class="message-text">{preview.text}</pre>
          <p><strong>SMS ({preview.sms_length} characters):</strong> {preview.sms}</p>
        </section>
      )}
    </details>
  );
}

export function MessageSetupPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad<Templates>(() => messageTemplates(ctx.client), []);
  const t = load.data;
  return (
    <Page title="Patient messages" intro={<ReadOnlyNote ctx={ctx} />}>
      <SettingsForm ctx={ctx} />
      <section aria-labelledby="wording-heading">
        <h2 id="wording-heading">Wording</h2>
        <p class="hint">Each message can use these placeholders, filled in for each patient and visit:{" "}
          {t ? t.placeholders.map((p) => `{{${p}}}`).join(", ") : "…"}. Values are escaped, so a patient's name can never
          change the layout of the e-mail or add a header.</p>
        {load.error ? <LoadFailed error={load.error} retry={load.reload} /> : !t ? <p role="status">Loading…</p> : (
          t.templates.map((row) => <TemplateEditor key={row.kind} ctx={ctx} row={row} placeholders={t.placeholders} onSaved={load.reload} />)
        )}
      </section>
    </Page>
  );
}
