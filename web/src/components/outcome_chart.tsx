// The outcome chart (issue 15), shared by the staff's patient record and the patient's manage
// page: a hand-written SVG line chart of pain and the PSFS score per visit, the server's callouts
// of meaningful changes in words, and a table of every value as the text equivalent. Tests read
// it through data attributes (data-line, data-visit, data-value) and the points' <title>s.
import { useEffect, useState } from "preact/hooks";
import { clinicSlug } from "../lib/api";
import {
  BOX, calloutText, chartPoints, LINES, OutcomeSeries, pathOf, pointTitle, psfsScore, scaleY,
} from "../lib/outcomes";
import { label } from "../lib/labels";
import { formatInstantDateTime } from "../lib/time";

const COLORS: Record<string, string> = { pain: "#a32020", psfs: "#1d4f91" };

function shortDate(instant: string, zone: string): string {
  return new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: zone }).format(new Date(instant));
}

export function OutcomeChart({ series, zone, idPrefix = "outcomes", audience = "staff" }: {
  series: OutcomeSeries; zone: string; idPrefix?: string; audience?: "staff" | "patient";
}) {
  const callouts = calloutText(series);
  const visits = series.visits;
  const captionId = `${idPrefix}-caption`;
  return (
    <div class="outcome-chart" data-visits={visits.length}>
      <ul class="callouts" aria-label={audience === "patient" ? "How you are doing" : "Changes since the first visit"}>
        {callouts.map((text) => (
          <li key={text} data-callout={series.meaningful.includes(text) ? "meaningful" : "info"}>{text}</li>
        ))}
      </ul>
      {visits.length > 0 && (
        <>
          <svg class="chart" width="100%" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-labelledby={captionId}
            data-chart="outcomes" focusable="false">
            <title id={captionId}>
              {`Pain and PSFS score over ${visits.length} visit${visits.length === 1 ? "" : "s"}. ${callouts.join(" ")} The values are in the table below.`}
            </title>
            {[0, 2, 4, 6, 8, 10].map((v) => (
              <g key={v} aria-hidden="true">
                <line x1={BOX.left} x2={BOX.width - BOX.right} y1={scaleY(v)} y2={scaleY(v)} stroke="#c8c8c8" stroke-width="1" />
                <text x={BOX.left - 8} y={scaleY(v) + 4} text-anchor="end" font-size="12" fill="#333">{v}</text>
              </g>
            ))}
            {LINES.map(({ key }) => {
              const points = chartPoints(visits, key);
              return (
                <g key={key} data-line={key}>
                  <path d={pathOf(points)} fill="none" stroke={COLORS[key]} stroke-width="2.5" />
                  {points.map((p) => (
                    <circle key={p.visit} cx={p.x} cy={p.y} r="5" fill={COLORS[key]}
                      data-visit={p.visit} data-value={p.value}>
                      <title>{pointTitle(key, p, shortDate(p.start, zone))}</title>
                    </circle>
                  ))}
                </g>
              );
            })}
            {chartPoints(visits, "pain").map((p) => (
              <text key={p.visit} x={p.x} y={BOX.height - BOX.bottom + 18} text-anchor="middle" font-size="12" fill="#333" aria-hidden="true">
                {shortDate(p.start, zone)}
              </text>
            ))}
          </svg>
          <ul class="legend" aria-hidden="true">
            {LINES.map(({ key, label: text }) => (
              <li key={key}><svg width="24" height="8" viewBox="0 0 24 8" focusable="false"><rect width="24" height="8" fill={COLORS[key]} /></svg> {text}</li>
            ))}
          </ul>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Outcome values per visit (scrolls sideways on small screens)">
            <table class="list" data-outcome-table="">
              <caption>Values per visit</caption>
              <thead>
                <tr><th scope="col">Visit</th><th scope="col">Date</th><th scope="col">Pain (0–10)</th>
                  <th scope="col">Sleep disturbed</th><th scope="col">Movements limited</th>
                  <th scope="col">Activities (PSFS, 0 unable – 10 as before)</th><th scope="col">PSFS score</th></tr>
              </thead>
              <tbody>
                {visits.map((v, i) => (
                  <tr key={v.appointment} data-visit={i + 1}>
                    <td>{i + 1}</td>
                    <td>{formatInstantDateTime(v.start, zone)}</td>
                    <td>{v.pain}</td>
                    <td>{label(v.sleep)}</td>
                    <td>{v.movements.length ? v.movements.map(label).join(", ") : "None"}</td>
                    <td>{v.psfs.map((p) => `${p.activity}: ${p.score}`).join("; ")}</td>
                    <td>{psfsScore(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {series.changes.length > 0 && (
            <details class="changes">
              <summary>Every measure since the first visit</summary>
              <ul>{series.changes.map((c) => <li key={`${c.measure}-${c.item ?? ""}`} data-measure={c.measure}>{c.text}</li>)}</ul>
            </details>
          )}
          <p class="note">A meaningful change is one at least as large as the minimal clinically important
            difference for that measure (pain about 2 points, the PSFS score about 2 points). It is decision
            support, not a diagnosis.</p>
        </>
      )}
    </div>
  );
}

/** The patient's own chart on the manage page, by the appointment's manage token. Shows nothing
 *  until outcomes have been recorded at a visit. */
export function PatientOutcomes({ id, token, zone }: { id: number; token: string; zone: string }) {
  const [series, setSeries] = useState<OutcomeSeries | null>(null);
  useEffect(() => {
    fetch(`/api/v1/clinics/${encodeURIComponent(clinicSlug())}/appointments/${id}/outcomes`,
      { headers: { Authorization: `Bearer ${token}` } })
      .then((r) => (r.ok ? r.json() : null)).then(setSeries).catch(() => setSeries(null));
  }, [id, token]);
  if (!series || series.visits.length === 0) return null;
  return (
    <section aria-labelledby="progress-heading" class="panel">
      <h2 id="progress-heading">Your progress</h2>
      <p>What you told your practitioner at each visit: pain, sleep, movement and the activities you named.</p>
      <OutcomeChart series={series} zone={zone} idPrefix="my-outcomes" audience="patient" />
    </section>
  );
}
