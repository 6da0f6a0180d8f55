// A visit's note (SOAP, issue 15) at staff/visits/{appointment}/note: what the patient says
// (prefilled from their self-assessment), the knots found on the same back body map as the
// patient's (their marks on a map of their own beside the findings, both also as lists), the
// treatment given, and the assessment and plan. Drafts save themselves a moment after each change
// (with the version last saved); signing locks the note, after which only signed addenda follow.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { AssessmentForm } from "../../lib/api";
import { label } from "../../lib/labels";
import { linkProps } from "../../lib/router";
import { BodyMap } from "../../components/bodymap";
import { StaffApiError } from "../api";
import { assessmentForm, bodyMapSvg } from "../assessment_map";
import {
  addAddendum, Autosaver, createAutosaver, findingText, getNote, KnotFinding, mapHighlight, markKey, markText,
  NoteContent, NoteView, PatientMark, saveNote, SaveState, signingNeeds, signNote, toggleFinding, VisitNote,
} from "../notes_api";
import { Checks, Field, Page, saveMessage, SelectField, StaffContext, useLoad, when } from "../ui";

const PAIN: [string, string][] = [["", "Not recorded"], ...Array.from({ length: 11 }, (_, i) => [String(i), `${i} / 10`] as [string, string])];
const SLEEP: [string, string][] = [["", "Not recorded"], ["none", "Not at all"], ["some", "Sometimes"], ["severe", "Most nights"]];
const TENDERNESS: [string, string][] = [["0", "0 – none"], ["1", "1 – mild"], ["2", "2 – moderate"], ["3", "3 – severe"]];
const SIZES: [string, string][] = [["small", "Small"], ["medium", "Medium"], ["large", "Large"]];
const TECHNIQUES: [string, string][] = [["", "Choose…"], ["art", "Active Release Technique (ART)"], ["deep_tissue_massage", "Deep-tissue massage"]];
const PRESSURES: [string, string][] = [["light", "Light"], ["moderate", "Moderate"], ["firm", "Firm"]];

const num = (v: string): number | null => (v === "" ? null : +v);
const str = (v: number | null): string => (v === null ? "" : String(v));

export function NotePage({ ctx, appointment }: { ctx: StaffContext; appointment: number }) {
  const load = useLoad(() => getNote(ctx.client, appointment), [appointment]);
  const form = useLoad(assessmentForm, []);
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void bodyMapSvg(ctx.clinic.slug).then((s) => { if (live) setSvg(s); });
    return () => { live = false; };
  }, [ctx.clinic.slug]);
  const view = load.data;
  const name = view ? `${view.patient.given_name} ${view.patient.family_name}` : "";
  return (
    <Page title={view ? `Visit note: ${name}` : "Visit note"} load={load} retry={load.reload}>
      {view && <NoteBody ctx={ctx} view={view} form={form.data} svg={svg} />}
    </Page>
  );
}

function NoteBody({ ctx, view, form, svg }: { ctx: StaffContext; view: NoteView; form: AssessmentForm | null; svg: string | null }) {
  const zone = ctx.clinic.time_zone;
  const [note, setNote] = useState<VisitNote>(view.note);
  const regions = useMemo(() => new Map((form?.regions ?? []).map((r) => [r.id, r.label])), [form]);
  const muscles = useMemo(() => new Map(view.muscles.map((m) => [m.id, m.name])), [view]);
  const marks = view.self_assessment?.knots ?? [];
  return (
    <>
      <p><a {...linkProps(`staff/patients/${view.patient.id}`)}>Open {view.patient.given_name} {view.patient.family_name}'s record</a></p>
      <dl class="facts">
        <dt>Visit</dt><dd>{when(view.visit.start, zone)}, {view.visit.service.name}</dd>
        <dt>Note</dt><dd>{note.status === "signed"
          ? `Signed by ${note.signed_by?.name ?? `staff #${note.signed_by?.id}`} on ${when(note.signed_at, zone)}`
          : note.version === 0 ? "Not saved yet (draft)" : "Draft"}</dd>
      </dl>
      <p class="note">Clinical record: findings and decision support, not a diagnosis given to the patient.</p>
      {note.status === "signed"
        ? <SignedNote ctx={ctx} note={note} regions={regions} muscles={muscles} marks={marks} svg={svg} zone={zone} onNote={setNote} />
        : <DraftForm key={note.version} ctx={ctx} view={view} note={note} form={form} regions={regions} marks={marks} svg={svg} onNote={setNote} />}
    </>
  );
}

/** The patient's marks: their own map (read-only) and the same in words. */
function PatientMarks({ marks, regions, svg }: { marks: PatientMark[]; regions: Map<string, string>; svg: string | null }) {
  return (
    <section class="card map-card" aria-labelledby="marks-title">
      <h3 id="marks-title">The patient's marks</h3>
      {marks.length === 0 ? <p>No self-assessment before this visit.</p> : (
        <>
          {svg && <BodyMap svg={svg} label="The patient's marks on the back body map" highlight={mapHighlight(marks, "referral")} />}
          <ul>{marks.map((m, i) => <li key={i}>{markText(m, regions)}</li>)}</ul>
        </>
      )}
    </section>
  );
}

function DraftForm({ ctx, view, note, form, regions, marks, svg, onNote }: {
  ctx: StaffContext; view: NoteView; note: VisitNote; form: AssessmentForm | null; regions: Map<string, string>;
  marks: PatientMark[]; svg: string | null; onNote: (n: VisitNote) => void;
}) {
  const appointment = view.visit.id;
  const [c, setC] = useState<NoteContent>(note.content);
  const [state, setState] = useState<SaveState>({ kind: note.version === 0 ? "idle" : "saved", at: new Date() } as SaveState);
  const [confirming, setConfirming] = useState(false);
  const [signError, setSignError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const saver = useRef<Autosaver | null>(null);
  if (!saver.current) {
    saver.current = createAutosaver({
      version: note.version,
      save: (version, content) => saveNote(ctx.client, appointment, version, content),
      onState: (s) => {
        setState(s);
        if (s.kind === "failed" && s.error.status === 400) {
          setFieldErrors(Object.fromEntries((s.error.problem?.errors ?? []).map((e) => [e.field, e.reason])));
        } else if (s.kind === "saved") setFieldErrors({});
        if (s.kind === "conflict" && s.current) onNote(s.current);
      },
    });
  }
  useEffect(() => () => saver.current?.dispose(), []);
  const change = (next: NoteContent) => { setC(next); saver.current!.change(next); };
  const set = <K extends keyof NoteContent>(part: K, value: Partial<NoteContent[K]>) =>
    change({ ...c, [part]: { ...(c[part] as object), ...value } as NoteContent[K] });
  const setKnot = (i: number, value: Partial<KnotFinding>) =>
    set("objective", { knots: c.objective.knots.map((k, j) => (j === i ? { ...k, ...value } : k)) });
  const err = (f: string) => fieldErrors[f];
  const needs = signingNeeds(c);
  const findingKeys = new Set(c.objective.knots.map((k) => markKey(k.region, k.side)));

  const sign = async () => {
    setSignError(null);
    await saver.current!.flush();
    if (saver.current!.dirty()) {
      setConfirming(false);
      setSignError("Not signed: the latest changes are not saved yet. Try again in a moment.");
      return;
    }
    try {
      const signed = await signNote(ctx.client, appointment, saver.current!.version());
      saver.current!.dispose();
      onNote(signed);
    } catch (e) {
      const error = e as StaffApiError;
      setConfirming(false);
      if (error.status === 409 && (error.problem as { note?: VisitNote } | null)?.note) {
        onNote((error.problem as unknown as { note: VisitNote }).note);
      }
      setSignError(error.problem?.errors?.length
        ? `Not signed: ${error.problem.errors.map((x) => `${x.field} ${x.reason}`).join("; ")}`
        : `Not signed: ${saveMessage(error)}`);
    }
  };

  return (
    <form class="note-form" onSubmit={(e) => e.preventDefault()} aria-describedby="save-state">
      <p id="save-state" class={state.kind === "failed" || state.kind === "conflict" ? "error" : "success"} role="status">
        {stateText(state)}</p>

      <fieldset>
        <legend>Subjective: what the patient says</legend>
        <Field name="subjective.words" label="In the patient's words" type="textarea" value={c.subjective.words}
          error={err("subjective.words")} onValue={(v) => set("subjective", { words: v })} />
        <SelectField name="subjective.pain" label="Pain (0 to 10)" value={str(c.subjective.pain)} options={PAIN}
          error={err("subjective.pain")} onValue={(v) => set("subjective", { pain: num(v) })} />
        <SelectField name="subjective.sleep" label="Effect on sleep" value={c.subjective.sleep ?? ""} options={SLEEP}
          onValue={(v) => set("subjective", { sleep: v || null })} />
        <div class="field">
          <label class="check"><input type="checkbox" checked={c.subjective.limits_movement}
            onChange={(e) => set("subjective", { limits_movement: e.currentTarget.checked,
              movements: e.currentTarget.checked ? c.subjective.movements : [] })} /> Limits movement</label>
        </div>
        {c.subjective.limits_movement && (
          <Checks name="subjective.movements" legend="Movements limited" values={c.subjective.movements}
            options={(form?.knot.movements ?? c.subjective.movements).map((m) => [m, label(m)])}
            error={err("subjective.movements")} onValues={(v) => set("subjective", { movements: v })} />
        )}
        {view.self_assessment && <p class="hint">Prefilled from the patient's knot check #{view.self_assessment.id}; edit as they tell it today.</p>}
      </fieldset>

      <fieldset>
        <legend>Objective: findings</legend>
        <Field name="objective.findings" label="Findings in words" type="textarea" value={c.objective.findings}
          error={err("objective.findings")} onValue={(v) => set("objective", { findings: v })} />
        <div class="maps">
          <PatientMarks marks={marks} regions={regions} svg={svg} />
          <section class="card map-card" aria-labelledby="findings-title">
            <h3 id="findings-title">Knots found</h3>
            <p class="hint" id="findings-hint">Press a region to add a knot there; press it again to remove it.</p>
            {svg ? <BodyMap svg={svg} label="Knots found: press a region to add or remove a knot" selected={findingKeys}
              highlight={mapHighlight(c.objective.knots, "tp")}
              onToggle={(region, side) => set("objective", { knots: toggleFinding(c.objective.knots, region, side) })} />
              : <p role="status">Loading the body map…</p>}
          </section>
        </div>
        {c.objective.knots.length === 0 ? <p>No knots charted yet.</p> : (
          <ol class="findings">
            {c.objective.knots.map((k, i) => {
              const where = findingText(k, regions).split(":")[0];
              const f = (m: string) => `objective.knots[${i}].${m}`;
              return (
                <li key={markKey(k.region, k.side)} class="card finding">
                  <h4 id={`knot-${i}`}>Knot {i + 1}: {where}</h4>
                  <p class="visually-hidden">{findingText(k, regions)}</p>
                  <SelectField name={f("size")} label={`Size (knot ${i + 1})`} value={k.size} options={SIZES}
                    error={err(f("size"))} onValue={(v) => setKnot(i, { size: v as KnotFinding["size"] })} />
                  <SelectField name={f("tenderness")} label={`Tenderness (knot ${i + 1})`} value={String(k.tenderness)}
                    options={TENDERNESS} error={err(f("tenderness"))} onValue={(v) => setKnot(i, { tenderness: +v })} />
                  <div class="field" role="group" aria-labelledby={`knot-${i}`}>
                    <label class="check"><input type="checkbox" checked={k.taut_band}
                      onChange={(e) => setKnot(i, { taut_band: e.currentTarget.checked })} /> Taut band</label>
                    <label class="check"><input type="checkbox" checked={k.twitch_response}
                      onChange={(e) => setKnot(i, { twitch_response: e.currentTarget.checked })} /> Local twitch response</label>
                    <label class="check"><input type="checkbox" checked={k.reproduces_referral}
                      onChange={(e) => setKnot(i, { reproduces_referral: e.currentTarget.checked })} /> Reproduces the referred pain</label>
                  </div>
                  <button type="button" onClick={() => set("objective", { knots: c.objective.knots.filter((_, j) => j !== i) })}>
                    Remove knot {i + 1}<span class="visually-hidden">: {where}</span></button>
                </li>
              );
            })}
          </ol>
        )}
      </fieldset>

      <fieldset>
        <legend>Treatment given</legend>
        <SelectField name="treatment.technique" label="Technique" value={c.treatment.technique ?? ""} options={TECHNIQUES}
          error={err("treatment.technique")} onValue={(v) => set("treatment", { technique: (v || null) as NoteContent["treatment"]["technique"] })} />
        <Checks name="treatment.muscles" legend="Muscles treated" values={c.treatment.muscles}
          options={view.muscles.map((m) => [m.id, m.name])} error={err("treatment.muscles")}
          onValues={(v) => set("treatment", { muscles: v })} />
        <Field name="treatment.minutes" label="Minutes" type="number" value={c.treatment.minutes ? String(c.treatment.minutes) : ""}
          inputMode="numeric" error={err("treatment.minutes")}
          onValue={(v) => set("treatment", { minutes: v === "" ? 0 : Math.max(0, Math.round(+v) || 0) })} />
        <SelectField name="treatment.pressure" label="Pressure" value={c.treatment.pressure} options={PRESSURES}
          onValue={(v) => set("treatment", { pressure: v as NoteContent["treatment"]["pressure"] })} />
        <SelectField name="treatment.pain_before" label="Pain before treatment (0 to 10)" value={str(c.treatment.pain_before)}
          options={PAIN} error={err("treatment.pain_before")} onValue={(v) => set("treatment", { pain_before: num(v) })} />
        <SelectField name="treatment.pain_after" label="Pain after treatment (0 to 10)" value={str(c.treatment.pain_after)}
          options={PAIN} error={err("treatment.pain_after")} onValue={(v) => set("treatment", { pain_after: num(v) })} />
      </fieldset>

      <Field name="assessment_plan" label="Assessment and plan" type="textarea" value={c.assessment_plan}
        error={err("assessment_plan")} onValue={(v) => change({ ...c, assessment_plan: v })} />

      <section class="sign" aria-labelledby="sign-title">
        <h2 id="sign-title">Sign</h2>
        {needs.length > 0 && <p id="sign-needs">Before signing, add: {needs.map(([, words]) => words).join(", ")}.</p>}
        {signError && <p class="error" role="alert">{signError}</p>}
        {!confirming ? (
          <button type="button" class="primary" disabled={needs.length > 0} aria-describedby={needs.length ? "sign-needs" : undefined}
            onClick={() => setConfirming(true)}>Sign note…</button>
        ) : (
          <div class="notice" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <h3 id="confirm-title">Sign this note?</h3>
            <p id="confirm-text">A signed note can never be changed; later corrections are added as signed addenda.</p>
            <div class="actions">
              <button type="button" class="primary" ref={(b) => b?.focus()} onClick={() => void sign()}>Sign now</button>
              <button type="button" onClick={() => setConfirming(false)}>Keep editing</button>
            </div>
          </div>
        )}
      </section>
    </form>
  );
}

function stateText(s: SaveState): string {
  switch (s.kind) {
    case "idle": return "Not saved yet: changes save automatically.";
    case "pending": return "Unsaved changes…";
    case "saving": return "Saving…";
    case "saved": return "Saved";
    case "conflict": return `Not saved: ${s.message}. The note as it is now is shown.`;  // the form reloads with it
    case "failed": return s.error.status === 400
      ? `Not saved: ${(s.error.problem?.errors ?? []).map((e) => `${e.field} ${e.reason}`).join("; ") || saveMessage(s.error)}`
      : `Not saved: ${saveMessage(s.error)} Your changes are kept and will be saved with the next change.`;
  }
}

function SignedNote({ ctx, note, regions, muscles, marks, svg, zone, onNote }: {
  ctx: StaffContext; note: VisitNote; regions: Map<string, string>; muscles: Map<string, string>;
  marks: PatientMark[]; svg: string | null; zone: string; onNote: (n: VisitNote) => void;
}) {
  const c = note.content;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const canWrite = ctx.session.permissions["write_clinical_notes"] !== undefined && ctx.session.permissions["write_clinical_notes"] !== "denied";
  const add = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) { setError("Write the addendum first."); return; }
    setBusy(true);
    setError(null);
    try {
      const updated = await addAddendum(ctx.client, note.appointment_id, text);
      onNote(updated);
      setText("");
      setMessage(`Addendum ${updated.addenda.length} signed.`);
    } catch (x) {
      const err = x as StaffApiError;
      setError(err.problem?.errors?.[0] ? `${err.problem.errors[0].field} ${err.problem.errors[0].reason}` : saveMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const t = c.treatment;
  return (
    <>
      <section class="signed-note" aria-labelledby="signed-title">
        <h2 id="signed-title">Signed note</h2>
        <p>This note is signed and can no longer be changed.</p>
        <h3>Subjective</h3>
        <dl class="facts">
          <dt>In the patient's words</dt><dd>{c.subjective.words || "—"}</dd>
          <dt>Pain</dt><dd>{c.subjective.pain === null ? "—" : `${c.subjective.pain} / 10`}</dd>
          <dt>Effect on sleep</dt><dd>{c.subjective.sleep ? label(c.subjective.sleep) : "—"}</dd>
          <dt>Movement</dt><dd>{c.subjective.limits_movement ? `Limited: ${c.subjective.movements.map(label).join(", ") || "yes"}` : "Not limited"}</dd>
        </dl>
        <h3>Objective</h3>
        <p>{c.objective.findings || "—"}</p>
        <div class="maps">
          <PatientMarks marks={marks} regions={regions} svg={svg} />
          <section class="card map-card" aria-labelledby="found-title">
            <h4 id="found-title">Knots found</h4>
            {svg && <BodyMap svg={svg} label="Knots found on the back body map" highlight={mapHighlight(c.objective.knots, "tp")} />}
            {c.objective.knots.length === 0 ? <p>None charted.</p>
              : <ol>{c.objective.knots.map((k, i) => <li key={i}>{findingText(k, regions)}</li>)}</ol>}
          </section>
        </div>
        <h3>Treatment given</h3>
        <dl class="facts">
          <dt>Technique</dt><dd>{t.technique === "art" ? "Active Release Technique (ART)" : t.technique === "deep_tissue_massage" ? "Deep-tissue massage" : "—"}</dd>
          <dt>Muscles</dt><dd>{t.muscles.map((m) => muscles.get(m) ?? m).join(", ") || "—"}</dd>
          <dt>Minutes</dt><dd>{t.minutes}</dd>
          <dt>Pressure</dt><dd>{label(t.pressure)}</dd>
          <dt>Pain before / after</dt><dd>{str(t.pain_before) || "—"} / {str(t.pain_after) || "—"} (of 10)</dd>
        </dl>
        <h3>Assessment and plan</h3>
        <p class="pre">{c.assessment_plan}</p>
      </section>
      <section aria-labelledby="addenda-title">
        <h2 id="addenda-title">Addenda</h2>
        {note.addenda.length === 0 ? <p>None.</p> : (
          <ol class="addenda">
            {note.addenda.map((a) => (
              <li key={a.sequence} class="card"><p class="pre">{a.text}</p>
                <p class="hint">Addendum {a.sequence}, signed by {a.author.name ?? `staff #${a.author.id}`} on {when(a.signed_at, zone)}</p></li>
            ))}
          </ol>
        )}
        <p class="success" role="status">{message ?? ""}</p>
        {canWrite && (
          <form onSubmit={add}>
            <h3>Add addendum</h3>
            <Field name="text" label="Addendum (signed as you add it; it cannot be changed later)" type="textarea" value={text}
              error={error ?? undefined} onValue={setText} />
            <button type="submit" class="primary" disabled={busy}>Sign and add addendum</button>
          </form>
        )}
      </section>
    </>
  );
}
