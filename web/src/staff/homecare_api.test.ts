import { describe, expect, it } from "vitest";
import { addRoutine, adherenceText, CatalogRoutine, daysPerWeekText, doneByRoutine, draftErrors, draftOf,
  HomeCareView, musclesOf, newRoutine, routinesFor } from "./homecare_api";

const routine = (id: string, muscles: [string, string][], seconds: [number, number] = [30, 90]): CatalogRoutine => ({
  id, tool: "ball", muscles: muscles.map(([mid, name]) => ({ id: mid, name })), how: "How.",
  seconds, sets: [1, 3], how_often: "Once a day", stretch: "", cautions: [],
});
const catalog = [
  routine("upper_trapezius_ball", [["upper_trapezius", "Upper trapezius"]]),
  routine("mid_back_foam_roller", [["rhomboids", "Rhomboids"], ["multifidus", "Multifidus"]], [30, 120]),
  routine("between_shoulder_blades_ball", [["rhomboids", "Rhomboids"]]),
];

describe("staff home care", () => {
  it("lists each muscle once, by name, and filters routines by muscle", () => {
    expect(musclesOf(catalog).map((m) => m.id)).toEqual(["multifidus", "rhomboids", "upper_trapezius"]);
    expect(routinesFor(catalog, "rhomboids").map((r) => r.id)).toEqual(["mid_back_foam_roller", "between_shoulder_blades_ball"]);
    expect(routinesFor(catalog, "")).toHaveLength(3);
  });

  it("adds a routine at the middle of its ranges, once", () => {
    const r = newRoutine(catalog[1], "rhomboids");
    expect(r).toEqual({ routine: "mid_back_foam_roller", muscle: "rhomboids", seconds: 75, sets: 2, days_per_week: 5 });
    expect(newRoutine(catalog[1], "nope").muscle).toBe("rhomboids");
    const draft = addRoutine({ version: 0, note: "", routines: [] }, r);
    expect(addRoutine(draft, { ...r, seconds: 30 }).routines).toEqual([r]);
  });

  it("finds out-of-range values by the field the server names", () => {
    const draft = { version: 1, note: "", routines: [
      { routine: "upper_trapezius_ball", muscle: "upper_trapezius", seconds: 91, sets: 2, days_per_week: 7 },
      { routine: "mid_back_foam_roller", muscle: "rhomboids", seconds: 120, sets: 0, days_per_week: 2 },
    ] };
    expect(draftErrors(draft, catalog)).toEqual({
      "routines[0].seconds": "must be between 30 and 90",
      "routines[1].sets": "must be between 1 and 3",
      "routines[1].days_per_week": "must be between 3 and 7",
    });
    expect(draftErrors({ ...draft, routines: [{ ...draft.routines[0], seconds: 90 }] }, catalog)).toEqual({});
  });

  it("says adherence in words and per day", () => {
    const view: HomeCareView = {
      today: "2026-11-28", cautions: [], adherence: null,
      program: { version: 1, starts_on: "2026-11-26", note: "", updated_at: "", routines: [
        { routine: "upper_trapezius_ball", muscle: "upper_trapezius", muscle_name: "Upper trapezius", seconds: 60, sets: 2, days_per_week: 7, since: "2026-11-26", details: null },
      ] },
      days: [{ date: "2026-11-28", done: ["upper_trapezius_ball", "gone"] }, { date: "2026-11-27", done: [] }],
    };
    expect([...doneByRoutine(view).get("upper_trapezius_ball")!]).toEqual(["2026-11-28"]);
    expect(doneByRoutine(view).has("gone")).toBe(false);
    const a = { days: 14, done: 3, prescribed: 4, percent: 75, routines: [{ routine: "r", done: 5, prescribed: 3 }, { routine: "s", done: 0, prescribed: 1 }] };
    expect(adherenceText(a)).toBe("done on 3 of 4 prescribed days");
    expect(adherenceText(a, "r")).toBe("done on 3 of 3 prescribed days");
    expect(adherenceText(a, "s")).toBe("done on 0 of 1 prescribed day");
    expect(adherenceText({ ...a, prescribed: 0 })).toBe("nothing prescribed yet");
    expect(draftOf(view).routines[0]).toEqual({ routine: "upper_trapezius_ball", muscle: "upper_trapezius", seconds: 60, sets: 2, days_per_week: 7 });
    expect(draftOf({ ...view, program: null })).toEqual({ version: 0, note: "", routines: [] });
    expect(daysPerWeekText(7)).toBe("every day");
    expect(daysPerWeekText(4)).toBe("4 days a week");
  });
});
