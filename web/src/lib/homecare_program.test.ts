import { describe, expect, test } from "vitest";
import { adherenceSentence, dayLabel, markableDays, PatientHomeCare, programPlan, toggled } from "./homecare_program";

const view: PatientHomeCare = {
  today: "2026-11-28",
  program: { version: 2, starts_on: "2026-11-20", note: "After work.", updated_at: "", routines: [
    { routine: "upper_trapezius_ball", muscle: "upper_trapezius", muscle_name: "Upper trapezius", seconds: 60, sets: 2,
      days_per_week: 7, since: "2026-11-20",
      details: { id: "upper_trapezius_ball", tool: "ball", how: "Lean in.", stretch: "Side-bend.", how_often: "", cautions: ["Not on bone.", "Gentle if on blood thinners."] } },
    { routine: "mid_back_foam_roller", muscle: "rhomboids", muscle_name: "Rhomboids", seconds: 90, sets: 1,
      days_per_week: 4, since: "2026-11-25",
      details: { id: "mid_back_foam_roller", tool: "foam_roller", how: "Roll.", stretch: "", how_often: "", cautions: ["Not on bone."] } },
  ] },
  cautions: [{ id: "anticoagulants", level: "caution", advice: "Gentle pressure only." }],
  adherence: { last_7_days: { done: 5, prescribed: 9, percent: 56 }, last_14_days: { done: 8, prescribed: 12, percent: 67 } },
  days: ["2026-11-28", "2026-11-27", "2026-11-26", "2026-11-25", "2026-11-24", "2026-11-23", "2026-11-22", "2026-11-21"]
    .map((date, i) => ({ date, done: i === 1 ? ["mid_back_foam_roller"] : [] })),
};

describe("the patient's home-care program", () => {
  test("reads like the knot check, with the prescribed dose", () => {
    const plan = programPlan(view);
    expect(plan.shared).toEqual(["Not on bone."]);
    expect(plan.routines[0].title).toBe("Massage ball for the upper trapezius");
    expect(plan.routines[0].dose).toEqual(["Hold each tender spot for 60 seconds.", "2 sets.", "Every day."]);
    expect(plan.routines[0].cautions).toEqual(["Gentle if on blood thinners."]);
    expect(plan.routines[1].dose).toEqual(["Hold each tender spot for 90 seconds.", "1 set.", "4 days a week."]);
    expect(programPlan({ ...view, program: null }).routines).toEqual([]);
  });

  test("labels days relative to the clinic's today", () => {
    expect(dayLabel("2026-11-28", "2026-11-28")).toBe("Today");
    expect(dayLabel("2026-11-27", "2026-11-28")).toBe("Yesterday");
    expect(dayLabel("2026-11-25", "2026-11-28")).toBe("Wednesday 25 November");
    expect(dayLabel("2026-02-28", "2026-03-01")).toBe("Yesterday");
    const days = markableDays(view);
    expect(days).toHaveLength(7);
    expect(days[0]).toEqual({ date: "2026-11-28", label: "Today", done: [] });
    expect(days[1].done).toEqual(["mid_back_foam_roller"]);
  });

  test("a checkbox adds or removes one routine, in the program's order", () => {
    expect(toggled(view, ["mid_back_foam_roller"], "upper_trapezius_ball", true))
      .toEqual(["upper_trapezius_ball", "mid_back_foam_roller"]);
    expect(toggled(view, ["upper_trapezius_ball", "mid_back_foam_roller"], "upper_trapezius_ball", false))
      .toEqual(["mid_back_foam_roller"]);
    expect(toggled(view, ["gone"], "upper_trapezius_ball", true)).toEqual(["upper_trapezius_ball"]);
  });

  test("says the last week in a sentence", () => {
    expect(adherenceSentence(view)).toBe("In the last 7 days you did 5 of the 9 routine sessions planned (56 %).");
    expect(adherenceSentence({ ...view, adherence: null })).toBeNull();
  });
});
