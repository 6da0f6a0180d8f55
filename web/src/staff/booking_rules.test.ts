import { describe, expect, it } from "vitest";
import { knotHighlight, knotLines } from "./assessment_map";
import { noShowSentence } from "./pages/booking_rules";

describe("noShowSentence", () => {
  it("states the count alone when the clinic has no rule", () => {
    expect(noShowSentence(0, null)).toBe("0 no-shows in the last 12 months.");
    expect(noShowSentence(1, 0)).toBe("1 no-show in the last 12 months.");
  });
  it("says the rule applies from the threshold on", () => {
    expect(noShowSentence(2, 2)).toMatch(/^2 no-shows in the last 12 months: the clinic's rule \(2 or more\) makes every online booking wait for approval\.$/);
    expect(noShowSentence(1, 3)).toBe("1 no-show in the last 12 months; from 3, the clinic's rule makes online bookings wait for approval.");
  });
});

describe("the assessment's knots", () => {
  const regions = new Map([["upper_trapezius", "Top of the shoulder"], ["lumbar", "Low back"]]);
  const knots = [{ region: "upper_trapezius", side: "left", pain: 6, duration: "weeks" }, { region: "lumbar" }];
  it("highlights sided marks on their side and midline marks on the region", () => {
    expect([...knotHighlight(knots).keys()]).toEqual(["upper_trapezius:left", "lumbar"]);
  });
  it("lists every mark in words, with the clinic's region names", () => {
    expect(knotLines(knots, regions)).toEqual(["Top of the shoulder (left), pain 6/10, some weeks", "Low back"]);
    expect(knotLines([{ region: "rhomboid_minor", side: "right" }], new Map())).toEqual(["Rhomboid minor (right)"]);
  });
});
