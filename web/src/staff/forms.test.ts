import { describe, expect, it } from "vitest";
import { dayRange, fieldId, formatMinor, instantToLocal, localToInstant, mapFieldErrors, parseDuration, parseHour,
  parsePrice, parseWhole, slugify } from "./forms";

describe("durations", () => {
  it.each([["60", 60], [" 45 min ", 45], ["90m", 90], ["1h", 60], ["1 h 30 min", 90], ["1:30", 90],
    ["2 hours", 120], ["0", 0]])("%s is %i minutes", (text, minutes) => {
    expect(parseDuration(text)).toEqual({ value: minutes });
  });
  it.each(["", "-5", "1.5", "an hour", "1:75"])("refuses %j", (text) => {
    expect(parseDuration(text).error).toBeTruthy();
  });
  it("has an upper bound", () => {
    expect(parseDuration("1500").error).toMatch(/at most 1440/);
    expect(parseDuration("30", 20).error).toMatch(/at most 20/);
  });
});

describe("prices", () => {
  it.each([["95", 9500], ["95.00", 9500], ["$95.5", 9550], ["0.99", 99], ["1,250.00", 125000], ["0", 0]])(
    "%s is %i cents", (text, cents) => { expect(parsePrice(text)).toEqual({ value: cents }); });
  it.each(["", "-5", "9.999", "ten", "1.2.3"])("refuses %j", (text) => {
    expect(parsePrice(text).error).toBeTruthy();
  });
  it("formats minor units for a field", () => {
    expect(formatMinor(9500)).toBe("95.00");
    expect(formatMinor(7)).toBe("0.07");
  });
});

describe("clock times", () => {
  it.each([["8", "08:00"], ["8:00", "08:00"], ["08:30", "08:30"], ["0830", "08:30"], ["8am", "08:00"],
    ["5:30 pm", "17:30"], ["12 am", "00:00"], ["12pm", "12:00"], ["17:45", "17:45"], ["24:00", "24:00"],
    ["5:30 P.M.", "17:30"]])("%s is %s", (text, hhmm) => { expect(parseHour(text)).toEqual({ value: hhmm }); });
  it.each(["", "25:00", "13pm", "8:60", "noon", "24:30", "0 am"])("refuses %j", (text) => {
    expect(parseHour(text).error).toBeTruthy();
  });
});

describe("whole numbers", () => {
  it("checks the range", () => {
    expect(parseWhole("15", 1, 60)).toEqual({ value: 15 });
    expect(parseWhole("0", 1, 60).error).toMatch(/1 to 60/);
    expect(parseWhole("2.5", 1, 60).error).toBeTruthy();
  });
});

describe("clinic-local times", () => {
  const la = "America/Los_Angeles";
  it("converts a wall time in the clinic's zone to an instant and back", () => {
    expect(localToInstant("2026-12-01T09:00", la)).toBe("2026-12-01T17:00:00Z");
    expect(localToInstant("2026-07-01T09:00", la)).toBe("2026-07-01T16:00:00Z");
    expect(localToInstant("2026-12-01", la)).toBe("2026-12-01T08:00:00Z");
    expect(instantToLocal("2026-12-01T17:00:00Z", la)).toBe("2026-12-01T09:00");
    expect(localToInstant("2026-12-01T09:00", "Asia/Kolkata")).toBe("2026-12-01T03:30:00Z");
    expect(localToInstant("nonsense", la)).toBeNull();
  });
  it("follows the DST policy on change days", () => {
    // 02:30 does not exist on 2026-03-08: it moves forward by the gap.
    expect(localToInstant("2026-03-08T02:30", la)).toBe("2026-03-08T10:30:00Z");
    expect(localToInstant("2026-03-08T05:00", la)).toBe("2026-03-08T12:00:00Z");
    // 01:30 happens twice on 2026-11-01: the first one.
    expect(localToInstant("2026-11-01T01:30", la)).toBe("2026-11-01T08:30:00Z");
    expect(localToInstant("2026-11-01T05:00", la)).toBe("2026-11-01T13:00:00Z");
  });
});

describe("day ranges (audit filters)", () => {
  const la = "America/Los_Angeles";
  it("covers whole clinic-local days, the last one included", () => {
    expect(dayRange("2026-11-01", "2026-11-30", la)).toEqual({ from: "2026-11-01T07:00:00Z", to: "2026-12-01T08:00:00Z" });
    expect(dayRange("2026-12-31", "2026-12-31", la)).toEqual({ from: "2026-12-31T08:00:00Z", to: "2027-01-01T08:00:00Z" });
  });
  it("leaves out an empty or malformed end", () => {
    expect(dayRange(null, "2026-11-30", la)).toEqual({ to: "2026-12-01T08:00:00Z" });
    expect(dayRange("", null, la)).toEqual({});
    expect(dayRange("30/11/2026", null, la)).toEqual({});
  });
});

describe("server field errors", () => {
  const form = ["name", "price", "duration_minutes", "booking_policy.min_notice_minutes", "weekly_hours", "weekly_hours[1].end"];
  it("puts each on its field, or the nearest named ancestor", () => {
    const mapped = mapFieldErrors([
      { field: "duration_minutes", reason: "must be positive" },
      { field: "price.amount_minor", reason: "must not be negative" },
      { field: "booking_policy.min_notice_minutes", reason: "must be at most 10080." },
      { field: "weekly_hours[1].end", reason: "must be after start" },
      { field: "weekly_hours[3].start", reason: "is not a time" },
    ], form);
    expect(mapped.fields).toEqual({
      duration_minutes: "Must be positive.",
      price: "Must not be negative.",
      "booking_policy.min_notice_minutes": "Must be at most 10080.",
      "weekly_hours[1].end": "Must be after start.",
      weekly_hours: "Is not a time.",
    });
    expect(mapped.other).toEqual([]);
  });
  it("keeps errors of fields the form does not have for the summary", () => {
    const mapped = mapFieldErrors([{ field: "body", reason: "must be a JSON object" }], form);
    expect(mapped).toEqual({ fields: {}, other: ["body: Must be a JSON object."] });
  });
  it("joins two errors of one field and follows aliases", () => {
    const mapped = mapFieldErrors([{ field: "name", reason: "is empty" }, { field: "name", reason: "is too short" },
      { field: "display_name", reason: "is taken" }], ["name"], { display_name: "name" });
    expect(mapped.fields.name).toBe("Is empty. Is too short. Is taken.");
  });
  it("accepts no errors at all", () => {
    expect(mapFieldErrors(undefined, form)).toEqual({ fields: {}, other: [] });
  });
  it("gives every field path an element id", () => {
    expect(fieldId("booking_policy.min_notice_minutes")).toBe("f-booking_policy-min_notice_minutes");
    expect(fieldId("weekly_hours[1].end")).toBe("f-weekly_hours-1-end");
  });
  it("slugifies names", () => {
    expect(slugify("Deep-tissue massage (60 min)")).toBe("deep-tissue-massage-60-min");
    expect(slugify("Élodie Café")).toBe("elodie-cafe");
  });
});
