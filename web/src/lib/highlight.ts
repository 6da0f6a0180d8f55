// Which body-map regions to colour for one likely muscle on the result page: where its knots
// (trigger points) lie ("tp") and where it sends pain ("referral"). Keys are those of the map
// (`region:side`, or the bare region for both sides); a trigger-point region wins over a referral.
import { AssessmentResult } from "./api";

type Muscle = Pick<AssessmentResult["muscles"][number], "sides" | "trigger_point_regions" | "referral_regions">;

export function muscleHighlight(muscle: Muscle | undefined): Map<string, "tp" | "referral"> {
  const m = new Map<string, "tp" | "referral">();
  if (!muscle) return m;
  const sides = muscle.sides.length ? muscle.sides : [""];
  const key = (region: string, side: string) => (side ? `${region}:${side}` : region);
  for (const side of sides) {
    for (const r of muscle.referral_regions) m.set(key(r, side), "referral");
    for (const r of muscle.trigger_point_regions) m.set(key(r, side), "tp");
  }
  return m;
}
