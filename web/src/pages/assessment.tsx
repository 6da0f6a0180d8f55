import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, AssessmentForm, Clinic, Knot } from "../lib/api";
import { BodyMap, regionKey } from "../components/bodymap";
import { label, regionLabel } from "../lib/labels";
import { navigate } from "../lib/router";
import { tokenFragment } from "../lib/token";
import { rememberAssessment } from "./result";
import { formatPhone, telHref } from "../lib/time";

export function AssessmentPage({ clinic }: { clinic: Clinic }) {
  const [form, setForm] = useState<AssessmentForm | null>(null);
  const [svg, setSvg] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [knots, setKnots] = useState<Knot[]>([]);
  const [causes, setCauses] = useState<string[]>([]);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [medications, setMedications] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    setLoadError(null);
    api.assessmentForm()
      .then(async (f) => { setForm(f); setSvg(await api.bodyMap(f.body_map)); })
      .catch((e: ApiError) => setLoadError(e));
  }, [attempt]);

  const selected = useMemo(() => new Set(knots.map((k) => regionKey(k.region, k.side))), [knots]);

  if (loadError) {
    return <main id="main" class="page"><h1>Check my knots</h1>
      <p role="alert">The knot check could not be loaded. Check your connection and try again, or call us
        on <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>.</p>
      <button type="button" onClick={() => setAttempt((a) => a + 1)}>Try again</button></main>;
  }
  if (!form || svg === null) return <main id="main" class="page"><h1>Check my knots</h1><p role="status">Loading…</p></main>;

  const regionName = (id: string) => form.regions.find((r) => r.id === id)?.label ?? label(id);

  const toggle = (region: string, side: string | undefined) => {
    const key = regionKey(region, side);
    setKnots((ks) => selected.has(key) ? ks.filter((k) => regionKey(k.region, k.side) !== key)
      : [...ks, { region, ...(side ? { side } : {}), size: form.knot.sizes[0] ?? "small", pain: 5,
        duration: form.knot.durations[1] ?? "weeks", sleep: form.knot.sleep[0] ?? "none",
        limits_movement: false, movements: [] }]);
    setProblem(null);
  };
  const update = (i: number, change: Partial<Knot>) =>
    setKnots((ks) => ks.map((k, j) => (j === i ? { ...k, ...change } : k)));
  const flip = (list: string[], id: string) => list.includes(id) ? list.filter((x) => x !== id) : [...list, id];

  const ageQuestion = form.questions.find((q) => q.id === "age_band");
  const yesNo = form.questions.filter((q) => q.kind === "yes_no");
  const choices = form.questions.filter((q) => q.kind === "choice" && q.id !== "age_band");

  const submit = async (e: Event) => {
    e.preventDefault();
    if (knots.length === 0) {
      setProblem("Mark at least one place on the body map where you feel a knot or pain.");
      document.getElementById("map-heading")?.focus();
      return;
    }
    setSending(true);
    setProblem(null);
    const { age_band, ...rest } = answers;
    try {
      const made = await api.submitAssessment({ knots, causes, answers: rest, medications,
        ...(age_band ? { age_band } : {}) });
      rememberAssessment(made);
      navigate(`assessment/${made.id}${tokenFragment(made.manage_token)}`);
    } catch (err) {
      const error = err as ApiError;
      setProblem(error.unreachable
        ? "The clinic's server did not answer, so nothing was sent. Your answers are kept: try again."
        : `Something in the form needs fixing: ${(error.problem?.errors ?? []).map((x) => `${x.field} ${x.reason}`).join("; ") || error.message}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <main id="main" class="page">
      <h1>Check my knots</h1>
      <p class="note">{form.note}</p>
      <form onSubmit={submit} noValidate>
        <section aria-labelledby="map-heading">
          <h2 id="map-heading" tabIndex={-1}>1. Where do you feel the knots?</h2>
          <p id="map-help">Choose each place on the back view where you feel a knot or pain. Your left side
            is on the left of the picture. With a keyboard: Tab to a place, then press Enter or Space.</p>
          <div class="map-layout">
            <BodyMap svg={svg} label="Body map, back view: places you can mark" selected={selected} onToggle={toggle} />
            <div class="knots">
              <h3>Marked places ({knots.length})</h3>
              {knots.length === 0 && <p>None yet.</p>}
              {knots.map((k, i) => {
                const name = regionLabel(regionName(k.region), k.side);
                const id = `knot-${i}`;
                return (
                  <fieldset key={regionKey(k.region, k.side)} class="knot">
                    <legend>{name}</legend>
                    <div class="field">
                      <label for={`${id}-size`}>Size</label>
                      <select id={`${id}-size`} value={k.size} onChange={(e) => update(i, { size: e.currentTarget.value })}>
                        {form.knot.sizes.map((s) => <option value={s}>{label(s)}</option>)}
                      </select>
                    </div>
                    <div class="field">
                      <label for={`${id}-pain`}>Pain ({form.knot.pain.min} none – {form.knot.pain.max} worst)</label>
                      <select id={`${id}-pain`} value={String(k.pain)} onChange={(e) => update(i, { pain: +e.currentTarget.value })}>
                        {Array.from({ length: form.knot.pain.max - form.knot.pain.min + 1 }, (_, n) => n + form.knot.pain.min)
                          .map((n) => <option value={String(n)}>{n}</option>)}
                      </select>
                    </div>
                    <div class="field">
                      <label for={`${id}-duration`}>How long</label>
                      <select id={`${id}-duration`} value={k.duration} onChange={(e) => update(i, { duration: e.currentTarget.value })}>
                        {form.knot.durations.map((s) => <option value={s}>{label(s)}</option>)}
                      </select>
                    </div>
                    <div class="field">
                      <label for={`${id}-sleep`}>Does it wake you at night?</label>
                      <select id={`${id}-sleep`} value={k.sleep} onChange={(e) => update(i, { sleep: e.currentTarget.value })}>
                        {form.knot.sleep.map((s) => <option value={s}>{label(s)}</option>)}
                      </select>
                    </div>
                    <fieldset class="inline">
                      <legend>Movements it limits</legend>
                      {form.knot.movements.map((m) => (
                        <label key={m} class="check"><input type="checkbox" checked={k.movements.includes(m)}
                          onChange={() => { const movements = flip(k.movements, m); update(i, { movements, limits_movement: movements.length > 0 }); }} />
                          {label(m)}</label>
                      ))}
                    </fieldset>
                    <button type="button" class="link" onClick={() => toggle(k.region, k.side)}>Remove {name}</button>
                  </fieldset>
                );
              })}
            </div>
          </div>
        </section>

        <section aria-labelledby="causes-heading">
          <h2 id="causes-heading">2. How did it start?</h2>
          <fieldset class="checks">
            <legend>Choose all that apply</legend>
            {form.causes.map((c) => (
              <label key={c.id} class="check"><input type="checkbox" name="causes" value={c.id}
                checked={causes.includes(c.id)} onChange={() => setCauses((cs) => flip(cs, c.id))} />{c.label}</label>
            ))}
          </fieldset>
        </section>

        <section aria-labelledby="questions-heading">
          <h2 id="questions-heading">3. A few safety questions</h2>
          <p>These help us spot anything that needs a doctor rather than a massage.</p>
          {[...choices, ...yesNo].map((q) => (
            <fieldset key={q.id} class="question" id={`q-${q.id}`}>
              <legend>{q.text}</legend>
              {q.options.map((o) => (
                <label key={o.id} class="radio"><input type="radio" name={q.id} value={o.id}
                  checked={answers[q.id] === o.id} onChange={() => setAnswers((a) => ({ ...a, [q.id]: o.id }))} />{o.label}</label>
              ))}
            </fieldset>
          ))}
        </section>

        <section aria-labelledby="about-heading">
          <h2 id="about-heading">4. About you</h2>
          {ageQuestion && (
            <fieldset class="question" id="q-age_band">
              <legend>{ageQuestion.text}</legend>
              {ageQuestion.options.map((o) => (
                <label key={o.id} class="radio"><input type="radio" name="age_band" value={o.id}
                  checked={answers.age_band === o.id} onChange={() => setAnswers((a) => ({ ...a, age_band: o.id }))} />{o.label}</label>
              ))}
            </fieldset>
          )}
          <fieldset class="checks">
            <legend>Do you take any of these medicines?</legend>
            {form.medications.map((m) => (
              <label key={m} class="check"><input type="checkbox" name="medications" value={m}
                checked={medications.includes(m)} onChange={() => setMedications((ms) => flip(ms, m))} />{label(m)}</label>
            ))}
          </fieldset>
        </section>

        {problem && <p class="error" role="alert">{problem}</p>}
        <button type="submit" class="primary" disabled={sending}>{sending ? "Checking…" : "See my result"}</button>
      </form>
    </main>
  );
}
