import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, Assessment, Clinic } from "../lib/api";
import { BodyMap } from "../components/bodymap";
import { label, outcomeTitles } from "../lib/labels";
import { linkProps } from "../lib/router";
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
  const highlight = useMemo(() => {
    const m = new Map<string, string>();
    const top = result?.muscles[0];
    if (!top) return m;
    for (const side of top.sides.length ? top.sides : [""]) {
      for (const r of top.referral_regions) m.set(side ? `${r}:${side}` : r, "referral");
      for (const r of top.trigger_point_regions) m.set(side ? `${r}:${side}` : r, "tp");
    }
    for (const r of top.referral_regions) if (!m.has(r)) m.set(r, "referral");
    return m;
  }, [result]);

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
            {svg && <BodyMap svg={svg} label={`Body map: where ${result.muscles[0].name} holds its knots (dark) and sends its pain (light)`} highlight={highlight} />}
            <ol class="muscles">
              {result.muscles.map((m) => (
                <li key={m.id}>
                  <strong>{m.name}</strong>{m.sides.length ? ` (${m.sides.join(" and ")} side)` : ""}
                  <ul>{m.explains.map((x, i) => (
                    <li key={i}>{x.how === "referral" ? "Sends pain to" : "Knots lie in"} {x.label.toLowerCase()}{x.side ? ` (${x.side})` : ""}</li>
                  ))}</ul>
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
              <li key={s.id}><a class="button primary" {...linkProps(`book?service=${s.id}&assessment=${assessment.id}&token=${encodeURIComponent(token || assessment.manage_token || "")}`)}>
                Book {s.name} ({s.duration_minutes} min)</a></li>
            ))}
          </ul>
        </section>
      )}

      {!urgent && result.home_care.length > 0 && (
        <section aria-labelledby="home">
          <h2 id="home">At home until your visit</h2>
          <ul>{result.home_care.map((h) => (
            <li key={h.id}><strong>{label(h.tool)}:</strong> {h.how}
              {h.seconds && ` Hold ${h.seconds[0]}–${h.seconds[1]} seconds`}{h.sets && `, ${h.sets[0]}–${h.sets[1]} sets`}
              {h.how_often && `, ${h.how_often}`}.{h.stretch && ` Stretch: ${h.stretch}`}
              {h.cautions?.length ? <em> Careful: {h.cautions.join(" ")}</em> : null}</li>
          ))}</ul>
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
