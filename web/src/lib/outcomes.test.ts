import { describe, expect, it } from "vitest";
import {
  BOX, calloutText, chartPoints, formBody, formFrom, OutcomeSeries, OutcomeVisit, pathOf, pointTitle, psfsScore,
  scaleX, scaleY, validateForm,
} from "./outcomes";

const visit = (appointment: number, pain: number, score: number, start: string): OutcomeVisit => ({
  appointment, start, pain, sleep: "some", movements: [],
  psfs: [{ activity: "sleep on my left side", score }, { activity: "deadlift", score }, { activity: "reverse the car", score: score + 3 }],
});

describe("chart scales", () => {
  it("spreads visits across the width and puts 10 at the top", () => {
    expect(scaleX(0, 3)).toBe(BOX.left);
    expect(scaleX(2, 3)).toBe(BOX.width - BOX.right);
    expect(scaleX(0, 1)).toBe(BOX.left + (BOX.width - BOX.left - BOX.right) / 2);
    expect(scaleY(10)).toBe(BOX.top);
    expect(scaleY(0)).toBe(BOX.height - BOX.bottom);
    expect(scaleY(12)).toBe(BOX.top);
    expect(scaleY(-1)).toBe(BOX.height - BOX.bottom);
  });

  it("makes a point per visit with its value", () => {
    const visits = [visit(1, 7, 2, "2026-12-01T17:00:00Z"), visit(2, 4, 5, "2026-12-08T17:00:00Z")];
    const pain = chartPoints(visits, "pain");
    expect(pain.map((p) => p.value)).toEqual([7, 4]);
    expect(pain[1].visit).toBe(2);
    expect(pain[0].y).toBeGreaterThan(scaleY(10));
    const psfs = chartPoints(visits, "psfs");
    expect(psfs.map((p) => p.value)).toEqual([3, 6]);
    expect(pathOf(pain)).toBe(`M${pain[0].x} ${pain[0].y} L${pain[1].x} ${pain[1].y}`);
    expect(pointTitle("pain", pain[1], "8 Dec")).toBe("Visit 2, 8 Dec: pain 4");
  });

  it("uses the server's PSFS score when given", () => {
    expect(psfsScore({ pain: 0, sleep: "none", movements: [], psfs: [], psfs_score: 4.3 })).toBe(4.3);
    expect(psfsScore({ pain: 0, sleep: "none", movements: [], psfs: [{ activity: "a", score: 1 }, { activity: "b", score: 2 }] })).toBe(1.5);
  });
});

describe("callout text", () => {
  const series = (visits: OutcomeVisit[], meaningful: string[]): OutcomeSeries => ({ visits, changes: [], meaningful });
  it("says what is meaningful in the server's words", () => {
    const s = series([visit(1, 7, 2, "a"), visit(2, 4, 5, "b")], ["pain down 3 points since the first visit: a meaningful change"]);
    expect(calloutText(s)).toEqual(["pain down 3 points since the first visit: a meaningful change"]);
  });
  it("explains when there is nothing to compare yet", () => {
    expect(calloutText(series([], []))).toEqual(["No outcomes recorded yet."]);
    expect(calloutText(series([visit(1, 7, 2, "a")], []))[0]).toMatch(/from the second visit on/);
    expect(calloutText(series([visit(1, 7, 2, "a"), visit(2, 6, 2, "b")], []))).toEqual(["No meaningful change since the first visit yet."]);
  });
});

describe("record form", () => {
  it("starts from a prefill and sends the API's body", () => {
    const form = formFrom(visit(1, 7, 2, "a"));
    expect(form.pain).toBe("7");
    expect(form.activities[1]).toBe("deadlift");
    expect(validateForm(form)).toEqual({});
    expect(formBody(form, 2)).toEqual({
      version: 2, pain: 7, sleep: "some", movements: [],
      psfs: [{ activity: "sleep on my left side", score: 2 }, { activity: "deadlift", score: 2 }, { activity: "reverse the car", score: 5 }],
    });
  });
  it("names the field of every mistake", () => {
    const form = formFrom(null);
    form.scores = ["3", "11", "x"];
    form.activities = ["Deadlift", " deadlift ", ""];
    const errors = validateForm(form);
    expect(Object.keys(errors).sort()).toEqual(["pain", "psfs[1].activity", "psfs[1].score", "psfs[2].activity", "psfs[2].score"]);
  });
});
