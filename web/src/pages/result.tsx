import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, Assessment, Clinic } from "../lib/api";
import { BodyMap } from "../components/bodymap";
import { muscleHighlight } from "../lib/highlight";
import { homeCarePlan } from "../lib/homecare";
import { outcomeTitles } from "../lib/labels";
import { linkProps } from "../lib/router";
import { tokenFragment } from "../lib/token";
import { formatPhone, telHref } from "../lib/time";

// The answer to a POST is kept for this page so it needs no second request.
const recent = new Map<number, Assessment>();
export function rememberAssessment(a: Assessment): void { recent.set(a.id, a); }

export function ResultPage({ clinic, id, token }: { clinic: Clinic; id: number; token: string }) {
  const [assessment, setAssessment] = useState<Assessment | null>(recent.get(id) ?? null);
  const [error, setError] = useState<ApiError | null>(null);
  const [svg, setSvg] = useState<string | null>(null);

  useEffect(() => {
    if (!assessment) api.assessment(id, token).then(setAssessment).catch(setError);
    api.bodyMap(`/api/v1/clinics/${encodeURIComponent(clinic.slug)}/body-map.svg`).then(setSvg).catch(() => setSvg(null));
  }, [id, token]);

  const result = assessment?.result;
  // The muscle drawn on the map: the most likely one first, any other one on request.
  const [shown, setShown] = useState(0);
  const highlight = useMemo(() => muscleHighlight(result?.muscles[shown]), [result, shown]);
  const plan = useMemo(() => result &&
    homeCarePlan(result.home_care, new Map(result.muscles.map((m) => [m.id, m.name]))), [result]);

  if (error) {
    return <main id="main" class="page"><h1>Your knot check</h1>
      <p role="alert">{error.status === 404 ? "This result could not be found: the link may be incomplete."
        : "The clinic's server did not answer. Try again in a moment."}</p></main>;
  }
  if (!result || !assessment) return <main id="main" class="page"><h1>Your knot check</h1><p role="status">Loading…</p></main>;

  const urgent = result.outcome === "emergency" || result.outcome === "medical_care_soon";
  const phone = formatPhone(result.phone || clinic.phone);
  const tel = telHref(result.phone || clinic.phone);
  return (
    <main id="main" class={`page outcome-${result.outcome}`}>
      <h1>{outcomeTitles[result.outcome] ?? "Your knot check"}</h1>
      <div class={`outcome ${urgent ? "urgent" : ""}`} role={urgent ? "alert" : undefined}>
        {result.reasons.length === 0 && !urgent && <p>Nothing you told us needs a doctor first. You can book a treatment online.</p>}
        {result.reasons.map((r) => (
          <div key={r.rule} class="reason">
            <p>{r.reason}</p>
            {r.advice && <p><strong>{r.advice}</strong></p>}
          </div>
        ))}
        {urgent && (
          <p>Online booking is not offered for this answer. If you are unsure what to do, call the clinic
            on <a href={tel}>{phone}</a>{result.outcome === "emergency" ? " — or 911 in an emergency" : ""}.</p>
        )}
      </div>

      {result.cautions.length > 0 && (
        <section aria-labelledby="cautions"><h2 id="cautions">Please note</h2>
          <ul>{result.cautions.map((c) => <li key={c.id}>{c.advice}</li>)}</ul></section>
      )}

      {!urgent && result.muscles.length > 0 && (
        <section aria-labelledby="muscles">
          <h2 id="muscles">Muscles that most likely cause it</h2>
          <div class="map-layout">
            {svg && (
              <figure class="map-figure">
                <BodyMap svg={svg} highlight={highlight}
                  label={`Body map: where ${result.muscles[shown]?.name} holds its knots (dark) and sends its pain (light)`} />
                <figcaption>
                  <strong>{result.muscles[shown]?.name}</strong>: <span class="swatch tp" aria-hidden="true" /> where
                  its knots lie, <span class="swatch referral" aria-hidden="true" /> where it sends pain.
                </figcaption>
              </figure>
            )}
            <ol class="muscles">
              {result.muscles.map((m, i) => (
                <li key={m.id}>
                  <strong>{m.name}</strong>{m.sides.length ? ` (${m.sides.join(" and ")} side)` : ""}
                  <ul>{m.explains.map((x, j) => (
                    <li key={j}>{x.how === "referral" ? "Sends pain to" : "Knots lie in"} {x.label.toLowerCase()}{x.side ? ` (${x.side})` : ""}</li>
                  ))}</ul>
                  {svg && result.muscles.length > 1 && (
                    <button type="button" class="link" aria-pressed={shown === i} onClick={() => setShown(i)}>
                      Show {m.name} on the map</button>
                  )}
                </li>
              ))}
            </ol>
          </div>
        </section>
      )}

      {!urgent && result.treatments.length > 0 && (
        <section aria-labelledby="treatments">
          <h2 id="treatments">What we recommend</h2>
          {result.book_assessment_first && <p>Start with a new-patient assessment: the chiropractor checks what you told us first.</p>}
          <ul class="cards">
            {result.treatments.map((t) => (
              <li key={t.treatment} class="card"><h3>{t.label}</h3><p>{t.why}</p></li>
            ))}
          </ul>
        </section>
      )}

      {!urgent && result.book_online && result.bookable_services.length > 0 && (
        <section aria-labelledby="book">
          <h2 id="book">Book online</h2>
          <ul class="actions-list">
            {result.bookable_services.map((s) => (
              <li key={s.id}><a class="button primary" {...linkProps(`book?service=${s.id}&assessment=${assessment.id}${tokenFragment(token || assessment.manage_token)}`)}>
                Book {s.name}{/\d\s*min/.test(s.name) ? "" : ` (${s.duration_minutes} min)`}</a></li>
            ))}
          </ul>
        </section>
      )}

      {!urgent && plan && plan.routines.length > 0 && (
        <section aria-labelledby="home">
          <h2 id="home">At home until your visit</h2>
          <p>Suggestions to ease the knots between visits. Your practitioner will adjust them to you.</p>
          {plan.shared.length > 0 && (
            <div class="safety">
              <h3>Safety first</h3>
              <ul>{plan.shared.map((c) => <li key={c}>{c}</li>)}</ul>
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
        </section>
      )}
      {!urgent && result.prevention.length > 0 && (
        <section aria-labelledby="prevent">
          <h2 id="prevent">Keep them from coming back</h2>
          <ul>{result.prevention.map((p) => <li key={p.id}>{p.advice}</li>)}</ul>
        </section>
      )}

      <p class="note">{result.note} Phone: <a href={tel}>{phone}</a>.</p>
    </main>
  );
}

export function recentAssessment(id: number): Assessment | undefined { return recent.get(id); }
