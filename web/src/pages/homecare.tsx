// The patient's home-care program on the manage page (issue 15): what the practitioner chose,
// how to do it, the cautions that apply to this patient, and a checkbox per routine for today and
// the days before to mark what was done. Nothing shows until a practitioner assigns a program.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError } from "../lib/api";
import { adherenceSentence, homeCareCalls, markableDays, PatientHomeCare, programPlan, toggled } from "../lib/homecare_program";

export function HomeCarePanel({ id, token }: { id: number; token: string }) {
  const [view, setView] = useState<PatientHomeCare | null>(null);
  const [status, setStatus] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { homeCareCalls.get(id, token).then(setView).catch(() => setView(null)); }, [id, token]);
  const plan = useMemo(() => (view ? programPlan(view) : null), [view]);
  if (!view?.program || !plan || view.program.routines.length === 0) return null;

  const mark = async (date: string, label: string, done: string[], routine: string, on: boolean) => {
    setBusy(true); setProblem(null); setStatus("");
    const before = view;
    const routines = toggled(view, done, routine, on);
    // Ticked at once; the server's answer replaces it, a refusal puts it back.
    setView({ ...view, days: view.days.map((d) => (d.date === date ? { ...d, done: routines } : d)) });
    try {
      const next = await homeCareCalls.mark(id, token, date, routines);
      setView(next);
      setStatus(`Saved for ${label.toLowerCase() === "today" || label.toLowerCase() === "yesterday" ? label.toLowerCase() : label}.`);
    } catch (err) {
      setView(before);
      const e = err as ApiError;
      setProblem(e.unreachable ? "The clinic's server did not answer, so this was not saved. Try again."
        : e.status === 409 ? "Your practitioner has just changed your program. Reload the page to see it."
        : e.problem?.errors?.[0]?.reason ? `Not saved: ${e.problem.errors[0].reason}.` : `Not saved: ${e.message}`);
    } finally { setBusy(false); }
  };

  const names = new Map(plan.routines.map((r) => [r.id, r.title]));
  const week = adherenceSentence(view);
  return (
    <section aria-labelledby="home-care" class="panel home-care">
      <h2 id="home-care">Your home-care program</h2>
      <p>Your practitioner chose these routines for you to do between visits. They support your treatment;
        they are not a diagnosis. Stop and call the clinic if something hurts more than a little.</p>
      {view.program.note && <p><strong>From your practitioner:</strong> {view.program.note}</p>}
      {(view.cautions.length > 0 || plan.shared.length > 0) && (
        <div class="safety">
          <h3>Safety first</h3>
          <ul>
            {view.cautions.map((c) => <li key={c.id}>{c.advice}</li>)}
            {plan.shared.map((c) => <li key={c}>{c}</li>)}
          </ul>
        </div>
      )}
      <ul class="cards routines">
        {plan.routines.map((r) => (
          <li key={r.id} class="card">
            <h3>{r.title}</h3>
            <p>{r.how}</p>
            {r.dose.length > 0 && <ul class="dose">{r.dose.map((d) => <li key={d}>{d}</li>)}</ul>}
            {r.stretch && <p><strong>Then stretch.</strong> {r.stretch}</p>}
            {r.cautions.length > 0 && <p><strong>Careful:</strong> {r.cautions.join(" ")}</p>}
          </li>
        ))}
      </ul>
      <h3 id="home-care-log">What you did</h3>
      <p class="note">Tick a routine once you have done it. Your practitioner sees these ticks at your next visit.</p>
      {week && <p>{week}</p>}
      {problem && <p class="error" role="alert">{problem}</p>}
      <p class="success" role="status">{status}</p>
      {markableDays(view).map((day) => (
        <fieldset key={day.date} class="home-care-day" data-date={day.date}>
          <legend>{day.label}{day.label === "Today" || day.label === "Yesterday" ? ` (${day.date})` : ""}</legend>
          {view.program!.routines.map((r) => (
            <label class="check" key={r.routine}>
              <input type="checkbox" name={`done-${day.date}`} value={r.routine} disabled={busy}
                checked={day.done.includes(r.routine)}
                onChange={(e) => void mark(day.date, day.label, day.done, r.routine, e.currentTarget.checked)} />
              {" "}{names.get(r.routine) ?? r.routine}
            </label>
          ))}
        </fieldset>
      ))}
    </section>
  );
}
