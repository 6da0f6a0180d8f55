import { describe, expect, test } from "vitest";
import { muscleHighlight } from "./highlight";

describe("muscleHighlight", () => {
  test("colours the muscle's own side only when the knots were on one side", () => {
    const m = muscleHighlight({ sides: ["left"], trigger_point_regions: ["upper_trapezius"],
      referral_regions: ["neck_side", "upper_trapezius"] });
    expect([...m.entries()].sort()).toEqual([["neck_side:left", "referral"], ["upper_trapezius:left", "tp"]]);
  });

  test("both sides when the knots were on both", () => {
    const m = muscleHighlight({ sides: ["left", "right"], trigger_point_regions: ["rhomboid"], referral_regions: [] });
    expect(m.get("rhomboid:left")).toBe("tp");
    expect(m.get("rhomboid:right")).toBe("tp");
  });

  test("a midline muscle is keyed by region alone", () => {
    const m = muscleHighlight({ sides: [], trigger_point_regions: ["sacrum"], referral_regions: ["gluteal"] });
    expect(m.get("sacrum")).toBe("tp");
    expect(m.get("gluteal")).toBe("referral");
  });

  test("nothing for no muscle", () => {
    expect(muscleHighlight(undefined).size).toBe(0);
  });
});
