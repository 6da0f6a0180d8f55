// The knots a patient marked in a self-assessment, on the same back body map they marked them on:
// a read-only picture with the marked places highlighted, and the same marks as a list (the
// picture's text equivalent). Used on the patient record and in the calendar's appointment view.
import { useEffect, useState } from "preact/hooks";
import { BodyMap, regionKey } from "../components/bodymap";
import { api, AssessmentForm } from "../lib/api";
import { label, regionLabel } from "../lib/labels";
import { StaffContext, useLoad } from "./ui";

export interface MarkedKnot { region: string; side?: string; pain?: number; duration?: string }

const svgs = new Map<string, Promise<string | null>>();

/** The clinic's body map SVG, fetched once per page load; null when it cannot be had. */
export function bodyMapSvg(clinic: string): Promise<string | null> {
  let svg = svgs.get(clinic);
  if (!svg) {
    svg = api.bodyMap(`/api/v1/clinics/${encodeURIComponent(clinic)}/body-map.svg`).catch(() => {
      svgs.delete(clinic);
      return null;
    });
    svgs.set(clinic, svg);
  }
  return svg;
}

let form: Promise<AssessmentForm | null> | null = null;

/** The self-assessment form (regions and their labels), fetched once per page load; null when it
 * cannot be had (then tried again next time). */
export function assessmentForm(): Promise<AssessmentForm | null> {
  if (!form) {
    form = api.assessmentForm().catch(() => {
      form = null;
      return null;
    });
  }
  return form;
}

/** The highlight of each marked place: sided marks on their side, midline marks on the region. */
export function knotHighlight(knots: MarkedKnot[]): Map<string, string> {
  return new Map(knots.map((k) => [regionKey(k.region, k.side), "tp"]));
}

/** One line per mark, in the patient's order: "Upper back (left), pain 6/10, weeks". */
export function knotLines(knots: MarkedKnot[], regions: Map<string, string>): string[] {
  return knots.map((k) => regionLabel(regions.get(k.region) ?? label(k.region), k.side)
    + (typeof k.pain === "number" ? `, pain ${k.pain}/10` : "")
    + (k.duration ? `, ${label(k.duration).toLowerCase()}` : ""));
}

export function AssessmentMap({ clinic, knots, regions, caption }: {
  clinic: string; knots: MarkedKnot[]; regions: Map<string, string>; caption: string;
}) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void bodyMapSvg(clinic).then((s) => { if (live) setSvg(s); });
    return () => { live = false; };
  }, [clinic]);
  const lines = knotLines(knots, regions);
  if (knots.length === 0) return null;
  return (
    <figure class="map-figure assessment-map">
      {svg && <BodyMap svg={svg} highlight={knotHighlight(knots)}
        label={`Body map, back view: ${caption.toLowerCase()} (listed below)`} />}
      <figcaption>
        <span class="swatch tp" aria-hidden="true" /> {caption}:
        <ul>{lines.map((l, i) => <li key={i}>{l}</li>)}</ul>
      </figcaption>
    </figure>
  );
}

/** The map of the self-assessment an appointment followed, loaded for the calendar's view of it. */
export function AppointmentCheckMap({ ctx, appointment }: { ctx: StaffContext; appointment: number }) {
  const check = useLoad(() => ctx.client.appointmentAssessment(appointment), [appointment]);
  const form = useLoad(assessmentForm, []);
  const knots = check.data?.input.knots ?? [];
  if (knots.length === 0) return null;
  const regions = new Map((form.data?.regions ?? []).map((r) => [r.id, r.label]));
  return <AssessmentMap clinic={ctx.clinic.slug} knots={knots} regions={regions} caption="Where the patient marked knots" />;
}
