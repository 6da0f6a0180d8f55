// Pieces every staff page shares: the page frame with its load states, the "your role cannot open
// this" message, labelled fields with their errors, the error summary and the stranded list.
import { ComponentChildren } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Clinic } from "../lib/api";
import { formatInstantDateTime } from "../lib/time";
import { Session, StaffApiError, StaffClient, Stranded } from "./api";
import { fieldId, FieldProblem, MappedErrors, mapFieldErrors } from "./forms";

export interface StaffContext { client: StaffClient; session: Session; clinic: Clinic; reloadSession: () => void }

/** Loads once per change of `deps`; `reload` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<StaffApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then((d) => { if (live) setData(d); }).catch((e: StaffApiError) => { if (live) setError(e); });
    return () => { live = false; };
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((t) => t + 1), []), setData };
}

export function Forbidden() {
  return (
    <div class="error" role="alert">
      <p><strong>Your role cannot open this.</strong> This page is for other roles in the clinic. If
        you need it, ask the clinic's owner.</p>
    </div>
  );
}

/** What a failed page load says: the role's 403, a missing thing, or a server that did not answer. */
export function LoadFailed({ error, retry }: { error: StaffApiError; retry: () => void }) {
  if (error.status === 403) return <Forbidden />;
  if (error.status === 401) return <p role="status">Your session has ended. Taking you to sign in…</p>;
  if (error.status === 404) return <p class="error" role="alert">This was not found in your clinic.</p>;
  return (
    <div class="error" role="alert">
      <p>{error.unreachable ? "The clinic's server did not answer. Check the connection and try again."
        : `Something went wrong: ${error.message}`}</p>
      <button type="button" onClick={retry}>Try again</button>
    </div>
  );
}

/** The page: its heading at once (focus lands there), then the content once loaded. */
export function Page({ title, children, load, retry, intro }: {
  title: string; children?: ComponentChildren; load?: { data: unknown; error: StaffApiError | null };
  retry?: () => void; intro?: ComponentChildren;
}) {
  let body = children;
  if (load?.error) body = <LoadFailed error={load.error} retry={retry ?? (() => location.reload())} />;
  else if (load && load.data === null) body = <p role="status">Loading…</p>;
  return <main id="main" class="page staff-page"><h1>{title}</h1>{intro}{body}</main>;
}

/** A form's errors: per field, the rest, and the summary that takes the focus after a failed submit. */
export function useFormErrors() {
  const empty: MappedErrors = { fields: {}, other: [] };
  const [errors, setErrors] = useState<MappedErrors>(empty);
  const [failures, setFailures] = useState(0);
  const summary = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => { if (failures) summary.current?.focus(); }, [failures]);
  return {
    errors, summary,
    fail: (e: MappedErrors) => { setErrors(e); setFailures((n) => n + 1); },
    clear: () => setErrors(empty),
    clearField: (name: string) => setErrors((e) => {
      if (!e.fields[name]) return e;
      const fields = { ...e.fields };
      delete fields[name];
      return { ...e, fields };
    }),
  };
}

/** The server's answer to a failed save as field errors and a message for the summary. */
export function saveErrors(error: StaffApiError, formFields: string[], scope = ""): MappedErrors {
  const mapped = mapFieldErrors(error.problem?.errors as FieldProblem[] | undefined, formFields);
  // Several forms on one page (a row each) name their fields "room-3:name", so ids stay unique.
  if (scope) mapped.fields = Object.fromEntries(Object.entries(mapped.fields).map(([k, v]) => [`${scope}:${k}`, v]));
  if (Object.keys(mapped.fields).length === 0 && mapped.other.length === 0) {
    mapped.other.push(saveMessage(error));
  }
  return mapped;
}

/**
 * After a failed save: a 409 that lists stranded appointments goes to `onStranded` (the form
 * then offers to save anyway); anything else becomes the form's errors.
 */
export function failSave(error: StaffApiError, form: { fail: (e: MappedErrors) => void }, formFields: string[],
  onStranded: (s: Stranded[]) => void, scope = ""): void {
  if (error.status === 409 && error.problem?.stranded?.length) onStranded(error.problem.stranded);
  else form.fail(saveErrors(error, formFields, scope));
}

export function saveMessage(error: StaffApiError): string {
  if (error.status === 429 || error.status === 503) {
    return `The server is busy. Try again${error.retryAfter ? ` in ${error.retryAfter} s` : " shortly"}.`;
  }
  if (error.unreachable) return "The clinic's server did not answer, so nothing was saved. Try again.";
  if (error.status === 403) return error.problem?.detail
    ? `Not saved: ${error.problem.detail}` : "Your role cannot change this.";
  return error.problem?.detail ?? error.problem?.title ?? error.message;
}

export function ErrorSummary({ errors, labels, summary }: {
  errors: MappedErrors; labels: Record<string, string>; summary: { current: HTMLDivElement | null };
}) {
  const names = Object.keys(errors.fields);
  if (!names.length && !errors.other.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={summary} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{names.length ? "Please fix these fields" : "Not saved"}</h2>
      <ul>
        {names.map((n) => (
          <li key={n}><a href={`#${fieldId(n)}`} onClick={(e) => {
            // The page has <base href="/c/{clinic}/">: a bare "#id" link would leave the page.
            e.preventDefault();
            document.getElementById(fieldId(n))?.focus();
          }}>{labels[n] ?? n}: {errors.fields[n]}</a></li>
        ))}
        {errors.other.map((o) => <li key={o}>{o}</li>)}
      </ul>
    </div>
  );
}

type InputProps = {
  name: string; label: string; value: string; error?: string; hint?: string; type?: string;
  onValue: (v: string) => void; autoComplete?: string; required?: boolean; inputMode?: string;
  placeholder?: string; disabled?: boolean;
};

/** A labelled input whose error sits under it and is read with it. */
export function Field({ name, label, value, error, hint, type = "text", onValue, ...rest }: InputProps) {
  const id = fieldId(name);
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {type === "textarea"
        ? <textarea id={id} name={name} value={value} aria-invalid={error ? "true" : "false"}
          aria-describedby={described} onInput={(e) => onValue(e.currentTarget.value)} rows={4} disabled={rest.disabled} />
        : <input id={id} name={name} type={type} value={value} aria-invalid={error ? "true" : "false"}
          aria-describedby={described} onInput={(e) => onValue(e.currentTarget.value)} {...rest}
          inputMode={rest.inputMode as never} />}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function SelectField({ name, label, value, options, error, onValue, disabled }: {
  name: string; label: string; value: string; options: [string, string][]; error?: string;
  onValue: (v: string) => void; disabled?: boolean;
}) {
  const id = fieldId(name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} disabled={disabled} aria-invalid={error ? "true" : "false"}
        aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onValue(e.currentTarget.value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A group of checkboxes (roles, skills) named as one field. */
export function Checks({ name, legend, options, values, error, onValues, disabled }: {
  name: string; legend: string; options: [string, string][]; values: string[]; error?: string;
  onValues: (v: string[]) => void; disabled?: boolean;
}) {
  const id = fieldId(name);
  return (
    <fieldset class="checks" id={id} tabIndex={-1} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map(([v, l]) => (
        <label class="check" key={v}>
          <input type="checkbox" name={name} value={v} checked={values.includes(v)} disabled={disabled}
            onChange={(e) => onValues(e.currentTarget.checked ? [...values, v] : values.filter((x) => x !== v))} />
          {l}
        </label>
      ))}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </fieldset>
  );
}

/** A 409's appointments that the change would leave stranded, and the way to save anyway. */
export function StrandedList({ stranded, ctx, names, onKeep, onCancel, busy }: {
  stranded: Stranded[]; ctx: StaffContext; names: { practitioners: Map<number, string>; services: Map<number, string> };
  onKeep: () => void; onCancel: () => void; busy?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => { ref.current?.focus(); }, []);
  return (
    <div class="notice stranded" role="alert" tabIndex={-1} ref={ref} aria-labelledby="stranded-title">
      <h2 id="stranded-title">Not saved: {stranded.length} booked appointment{stranded.length === 1 ? "" : "s"} would no longer fit</h2>
      <ul>
        {stranded.map((s) => (
          <li key={s.id}>#{s.id}: {formatInstantDateTime(s.start, ctx.clinic.time_zone)},{" "}
            {names.services.get(s.service_id) ?? `service ${s.service_id}`} with{" "}
            {names.practitioners.get(s.practitioner_id) ?? `practitioner ${s.practitioner_id}`}</li>
        ))}
      </ul>
      <p>Saving anyway keeps these appointments booked; the front desk then moves them.</p>
      <div class="actions">
        <button type="button" class="primary" onClick={onKeep} disabled={busy}>Keep these appointments and save anyway</button>
        <button type="button" onClick={onCancel}>Do not save</button>
      </div>
    </div>
  );
}

/** A status line that a screen reader announces ("Saved."). */
export function Saved({ text }: { text: string | null }) {
  return <p class="success" role="status">{text ?? ""}</p>;
}

export function when(instant: string | null | undefined, zone: string): string {
  return instant ? formatInstantDateTime(instant, zone) : "—";
}
