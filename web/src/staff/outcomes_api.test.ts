import { describe, expect, it } from "vitest";
import { PlanSummary, reportSummary } from "./outcomes_api";

const summary = (s: Partial<PlanSummary>): PlanSummary => ({
  plans: 0, evaluable: 0, reached: 0, median_visits: null, visits_to_change: [], unplanned_visits: 0, ...s,
});

describe("the owner's report in words", () => {
  it("counts treatment plans, with the median when some reached a change", () => {
    expect(reportSummary(summary({ plans: 2, evaluable: 2, reached: 1, median_visits: 3 })))
      .toBe("1 of 2 treatment plans with two or more visits reached a meaningful change, at a median of 3 visits.");
    expect(reportSummary(summary({ plans: 1, evaluable: 1 })))
      .toBe("0 of 1 treatment plan with two or more visits reached a meaningful change.");
  });

  it("says how many visits no plan counts", () => {
    expect(reportSummary(summary({ plans: 1, evaluable: 1, reached: 1, median_visits: 2, unplanned_visits: 1 })))
      .toBe("1 of 1 treatment plan with two or more visits reached a meaningful change, at a median of 2 visits. " +
        "1 visit was recorded outside any treatment plan and is not counted as a plan.");
    expect(reportSummary(summary({ unplanned_visits: 3 })))
      .toBe("No outcomes recorded in a treatment plan yet. 3 visits were recorded outside any treatment plan and are not counted as plans.");
  });
});
