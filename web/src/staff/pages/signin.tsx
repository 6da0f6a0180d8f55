import { useEffect, useState } from "preact/hooks";
import { navigate } from "../../lib/router";
import { Session, StaffApiError, StaffClient } from "../api";
import { afterSignIn } from "../nav";
import { ErrorSummary, Field, Page, useFormErrors } from "../ui";

const LABELS = { email: "Email", password: "Password" };

export function SignInPage({ client, query, note, onSignedIn }: {
  client: StaffClient; query: URLSearchParams; note: string | null; onSignedIn: (s: Session) => void;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const form = useFormErrors();

  // Counts down a 429's or 503's Retry-After; the button waits for it.
  useEffect(() => {
    if (waitUntil <= now) return;
    const t = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(t);
  }, [waitUntil, now]);
  const waiting = Math.max(0, Math.ceil((waitUntil - now) / 1000));

  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = "Enter your email address.";
    if (!password) fields.password = "Enter your password.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    setBusy(true);
    try {
      const s = await client.signIn(email.trim(), password);
      form.clear();
      onSignedIn(s);
      navigate(afterSignIn(query.get("next")));
    } catch (err) {
      const error = err as StaffApiError;
      setPassword("");
      let text: string;
      if (error.status === 401) text = "The email or the password is not right, or the account is disabled.";
      else if (error.status === 429 || error.status === 503) {
        const seconds = error.retryAfter ?? error.problem?.retry_after_seconds ?? 30;
        setWaitUntil(Date.now() + seconds * 1000);
        setNow(Date.now());
        text = error.status === 429 ? `Too many sign-in attempts. Try again in ${seconds} s.`
          : `The server is busy signing people in. Try again in ${seconds} s.`;
      } else if (error.unreachable) text = "The clinic's server did not answer. Check the connection and try again.";
      else text = error.problem?.detail ?? error.message;
      form.fail({ fields: {}, other: [text] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Staff sign-in">
      {note && <p class="success" role="status">{note}</p>}
      {query.get("next") && !note && <p class="note">Sign in to go on to the page you asked for.</p>}
      <form class="narrow" onSubmit={submit} noValidate>
        <ErrorSummary errors={form.errors} labels={LABELS} summary={form.summary} />
        <Field name="email" label="Email" type="email" autoComplete="username" value={email}
          error={form.errors.fields.email} onValue={(v) => { setEmail(v); form.clearField("email"); }} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" value={password}
          error={form.errors.fields.password} onValue={(v) => { setPassword(v); form.clearField("password"); }} />
        <button type="submit" class="primary" disabled={busy || waiting > 0}>
          {busy ? "Signing in…" : waiting > 0 ? `Sign in (wait ${waiting} s)` : "Sign in"}</button>
      </form>
      <p class="note">Patients do not need an account: they book from the clinic's home page.</p>
    </Page>
  );
}
