// My account: change my password, see my sessions, sign out everywhere.
import { useState } from "preact/hooks";
import { StaffApiError } from "../api";
import { MyCalendarFeed } from "./calendar_feed";
import { ErrorSummary, Field, Page, Saved, saveErrors, saveMessage, StaffContext, useFormErrors, useLoad, when } from "../ui";

const LABELS = { current_password: "Current password", new_password: "New password", confirm: "New password again" };

export function AccountPage({ ctx, onSignedOut }: { ctx: StaffContext; onSignedOut: () => void }) {
  const zone = ctx.clinic.time_zone;
  const sessions = useLoad(() => ctx.client.mySessions(), []);
  const [v, setV] = useState({ current_password: "", new_password: "", confirm: "" });
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useFormErrors();
  const set = (k: keyof typeof v) => (value: string) => { setV((x) => ({ ...x, [k]: value })); form.clearField(k); };

  const change = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const fields: Record<string, string> = {};
    if (!v.current_password) fields.current_password = "Enter your current password.";
    if (v.new_password.length < 12) fields.new_password = "Use at least 12 characters.";
    else if (v.new_password !== v.confirm) fields.confirm = "The two new passwords differ.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      await ctx.client.changePassword(v.current_password, v.new_password);
      form.clear();
      setV({ current_password: "", new_password: "", confirm: "" });
      setSaved("Password changed. Your other sessions have ended.");
      sessions.reload();
    } catch (err) {
      // 400 names new_password with the policy's reason; a wrong current password is a 403 naming current_password.
      form.fail(saveErrors(err as StaffApiError, ["current_password", "new_password"]));
    } finally {
      setBusy(false);
    }
  };
  const everywhere = async () => {
    setProblem(null);
    try { await ctx.client.signOutEverywhere(); onSignedOut(); } catch (err) { setProblem(saveMessage(err as StaffApiError)); }
  };

  return (
    <Page title="My account">
      <p>{ctx.session.staff.display_name}, {ctx.session.staff.email}</p>
      <form class="narrow" onSubmit={change} noValidate aria-labelledby="pw-heading">
        <h2 id="pw-heading">Change my password</h2>
        <ErrorSummary errors={form.errors} labels={LABELS} summary={form.summary} />
        <input type="text" name="username" autoComplete="username" value={ctx.session.staff.email} hidden readOnly />
        <Field name="current_password" label="Current password" type="password" autoComplete="current-password"
          value={v.current_password} error={form.errors.fields.current_password} onValue={set("current_password")} />
        <Field name="new_password" label="New password" type="password" autoComplete="new-password"
          hint="At least 12 characters, and not a common password." value={v.new_password}
          error={form.errors.fields.new_password} onValue={set("new_password")} />
        <Field name="confirm" label="New password again" type="password" autoComplete="new-password"
          value={v.confirm} error={form.errors.fields.confirm} onValue={set("confirm")} />
        <button type="submit" class="primary" disabled={busy}>{busy ? "Changing…" : "Change password"}</button>
        <Saved text={saved} />
      </form>
      <h2>My sessions</h2>
      {sessions.error ? <p class="error" role="alert">{saveMessage(sessions.error)}</p> : !sessions.data ? <p role="status">Loading…</p> : (
        <ul class="plain-list">
          {sessions.data.map((s) => (
            <li key={s.id}>Signed in {when(s.created_at, zone)} from {s.client_address}; last seen {when(s.last_seen_at, zone)}
              {s.current ? " (this one)" : ""}</li>
          ))}
        </ul>
      )}
      {problem && <p class="error" role="alert">{problem}</p>}
      <button type="button" class="danger" onClick={everywhere}>Sign out everywhere</button>
      <MyCalendarFeed ctx={ctx} />
    </Page>
  );
}
