import { describe, expect, it } from "vitest";
import {
  chosenVisits, conflictIndex, everyText, itemFromDraft, itemText, Preview, progressText, unresolved,
  VisitPreview, withConflict,
} from "./plans_api";

function visit(index: number, free: boolean, start: string, alternatives: string[] = []): VisitPreview {
  return {
    index, item: 0, number: index + 1, local_start: start.replace("Z", ""), start, end: null, service: 2,
    practitioner: 1, free, room: free ? 1 : null, problem: free ? null : "taken", message: free ? "" : "taken",
    alternatives: alternatives.map((a) => ({ start: a, end: a, local_start: a, options: [] })),
  };
}

const preview: Preview = {
  total: 3, free: 2,
  visits: [visit(0, true, "2026-12-01T18:00:00Z"), visit(1, false, "2026-12-08T18:00:00Z", ["2026-12-08T17:45:00Z"]),
    visit(2, true, "2026-12-15T18:00:00Z")],
};

describe("plan wording", () => {
  it("says how often and how many", () => {
    expect(everyText(7)).toBe("weekly");
    expect(everyText(14)).toBe("every 2 weeks");
    expect(everyText(10)).toBe("every 10 days");
    expect(itemText({ service: 2, practitioner: 1, interval_days: 14, count: 2, first_date: "2026-12-01",
      time: "11:00", service_name: "Deep-tissue massage", practitioner_name: "Sam" }))
      .toBe("Deep-tissue massage with Sam, every 2 weeks, 2 visits from 2026-12-01 at 11:00");
    expect(progressText({ planned: 6, booked: 6, done: 2, left: 3, missed: 1 }))
      .toBe("2 done, 3 left, 1 missed (6 planned, 6 booked)");
  });
});

describe("choosing visits", () => {
  it("books free visits at their time and a refused one only at a chosen alternative", () => {
    expect(unresolved(preview, {}).map((v) => v.index)).toEqual([1]);
    expect(chosenVisits(preview, {}).map((v) => v.start)).toEqual(["2026-12-01T18:00:00Z", "2026-12-15T18:00:00Z"]);
    const choices = { 1: "2026-12-08T17:45:00Z" };
    expect(unresolved(preview, choices)).toEqual([]);
    expect(chosenVisits(preview, choices).map((v) => [v.number, v.start])).toEqual([
      [1, "2026-12-01T18:00:00Z"], [2, "2026-12-08T17:45:00Z"], [3, "2026-12-15T18:00:00Z"]]);
    // Leaving a visit out.
    expect(chosenVisits(preview, { 0: "", 1: "2026-12-08T17:45:00Z" }).map((v) => v.number)).toEqual([2, 3]);
  });

  it("finds the preview's visit a 409 names among the chosen ones and shows the server's news", () => {
    const choices = { 0: "" , 1: "2026-12-08T17:45:00Z" };
    const problem = { errors: [{ field: "visits[1]", reason: "taken" }] } as never;
    expect(conflictIndex(problem, preview, choices)).toBe(2);
    expect(conflictIndex(null, preview, choices)).toBeNull();
    const updated = withConflict(preview, 2, visit(7, false, "2026-12-15T18:00:00Z", ["2026-12-15T19:00:00Z"]));
    expect(updated.visits[2].index).toBe(2);
    expect(updated.visits[2].free).toBe(false);
    expect(updated.free).toBe(1);
  });
});

describe("drafting an item", () => {
  const draft = { service: "2", practitioner: "1", weeks: "2", count: "4", first_date: "2026-12-01", time: "10:00" };
  it("turns weeks into days", () => {
    expect(itemFromDraft(draft).item).toEqual({ service: 2, practitioner: 1, interval_days: 14, count: 4,
      first_date: "2026-12-01", time: "10:00" });
  });
  it("names the first wrong field", () => {
    expect(itemFromDraft({ ...draft, service: "" }).field).toBe("service");
    expect(itemFromDraft({ ...draft, weeks: "0" }).field).toBe("weeks");
    expect(itemFromDraft({ ...draft, count: "1.5" }).field).toBe("count");
    expect(itemFromDraft({ ...draft, first_date: "" }).field).toBe("first_date");
    expect(itemFromDraft({ ...draft, time: "" }).field).toBe("time");
  });
});
