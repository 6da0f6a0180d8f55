import { describe, expect, it, vi } from "vitest";
import {
  addDays, assessmentSummary, alternativesOf, appointmentOf, CalAppointment, CalendarData, conflictMessage, debounce, eventsOf,
  freeStarts, fromCalendarDate, offsetString, rangeOf, refId, requestsOf, resourcesOf, slotLimits, toFloating,
} from "./calendar";

const LA = "America/Los_Angeles";

function appt(over: Partial<CalAppointment> = {}): CalAppointment {
  return {
    id: 7, version: 3, status: "booked", source: "phone", start: "2026-12-01T17:00:00Z", end: "2026-12-01T18:00:00Z",
    blocked_until: "2026-12-01T18:10:00Z", practitioner: 2, room: 5, service: { id: 1, name: "Deep tissue" },
    patient: { id: 9, given_name: "Ana", family_name: "Lopez" }, assessment: null, overbooked: false,
    cancel_reason: null, declined: false, ...over,
  };
}

const data: CalendarData = {
  time_zone: LA, from: "2026-12-01", to: "2026-12-01",
  practitioners: [{
    id: 2, slug: "sam", name: "Sam Rivera", allow_overbooking: false,
    working: [{ start: "2026-12-01T17:00:00Z", end: "2026-12-02T01:00:00Z" }],
    free: [{ start: "2026-12-01T18:00:00Z", end: "2026-12-01T20:30:00Z" }],
  }],
  rooms: [{ id: 5, name: "Room 1" }],
  appointments: [appt(), appt({ id: 8, status: "cancelled", cancel_reason: "ill" }), appt({ id: 9, status: "requested" })],
};

describe("mapping the API's calendar", () => {
  it("gives one column per practitioner, or per room", () => {
    expect(resourcesOf(data, "practitioners")).toEqual([{ id: "2", title: "Sam Rivera" }]);
    expect(resourcesOf(data, "rooms")).toEqual([{ id: "5", title: "Room 1" }]);
  });

  it("shows instants as the clinic's wall-clock time", () => {
    expect(toFloating("2026-12-01T17:00:00Z", LA)).toBe("2026-12-01T09:00:00");
    expect(toFloating("2026-07-01T16:00:00Z", LA)).toBe("2026-07-01T09:00:00");
  });

  it("makes working hours and free time background events, appointments with patient, service, room and status", () => {
    const events = eventsOf(data, "practitioners", false);
    expect(events.filter((e) => e.display === "background").map((e) => e.classNames[0])).toEqual(["bg-working", "bg-free"]);
    const booked = events.find((e) => e.id === "7")!;
    expect(booked.resourceIds).toEqual(["2"]);
    expect(booked.start).toBe("2026-12-01T09:00:00");
    expect(booked.end).toBe("2026-12-01T10:00:00");
    expect(booked.title).toBe("Ana Lopez · Deep tissue · Room 1 · Booked");
    expect(booked.editable).toBe(true);
    expect(events.find((e) => e.id === "9")!.classNames).toContain("appt-requested");
    expect(events.find((e) => e.id === "8")).toBeUndefined();
  });

  it("shows cancelled appointments only when asked, struck through by class, and not movable", () => {
    const cancelled = eventsOf(data, "practitioners", true).find((e) => e.id === "8")!;
    expect(cancelled.classNames).toContain("appt-cancelled");
    expect(cancelled.editable).toBe(false);
  });

  it("puts appointments in their room's column in the room view, without hours", () => {
    const events = eventsOf(data, "rooms", false);
    expect(events.some((e) => e.display === "background")).toBe(false);
    expect(events.find((e) => e.id === "7")!.resourceIds).toEqual(["5"]);
    expect(events.find((e) => e.id === "7")!.title).toContain("Sam Rivera");
  });

  it("accepts practitioner and room as objects with an id", () => {
    expect(refId({ id: 4, name: "x" })).toBe(4);
    expect(refId(null)).toBeNull();
    const d = { ...data, appointments: [appt({ practitioner: { id: 2 }, room: { id: 5, name: "Blue room" } })] };
    expect(eventsOf(d, "practitioners", false).find((e) => e.id === "7")!.title).toContain("Blue room");
  });

  it("turns a dropped event's wall-clock time back into an instant, DST included", () => {
    expect(fromCalendarDate(new Date(2026, 11, 1, 9, 30), LA)).toBe("2026-12-01T17:30:00Z");
    expect(fromCalendarDate(new Date(2026, 6, 1, 9, 0), LA)).toBe("2026-07-01T16:00:00Z");
  });

  it("asks the API for the view's dates, 1 to 7 days", () => {
    expect(rangeOf(new Date(2026, 11, 1), new Date(2026, 11, 2))).toEqual({ from: "2026-12-01", days: 1 });
    expect(rangeOf(new Date(2026, 10, 30), new Date(2026, 11, 7))).toEqual({ from: "2026-11-30", days: 7 });
  });

  it("knows the clinic's offset", () => {
    expect(offsetString(LA, new Date("2026-12-01T12:00:00Z"))).toBe("-08:00");
    expect(offsetString(LA, new Date("2026-07-01T12:00:00Z"))).toBe("-07:00");
    expect(offsetString("Asia/Kolkata", new Date("2026-07-01T12:00:00Z"))).toBe("+05:30");
  });

  it("reads the to-approve list and a write's answer however wrapped", () => {
    expect(requestsOf({ requests: [appt()] })).toHaveLength(1);
    expect(requestsOf({ appointments: [appt()] })).toHaveLength(1);
    expect(requestsOf([appt()])).toHaveLength(1);
    expect(requestsOf(null)).toEqual([]);
    expect(appointmentOf({ appointment: appt() })!.id).toBe(7);
    expect(appointmentOf(appt({ id: 3 }))!.id).toBe(3);
  });

  it("adds days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-08", -1)).toBe("2026-03-07");
  });
});

describe("free times for a booking", () => {
  const spans = [{ start: "2026-12-01T18:00:00Z", end: "2026-12-01T20:30:00Z" }];
  const early = new Date("2026-11-01T00:00:00Z");

  it("steps by the service's length where it fits whole", () => {
    expect(freeStarts(spans, 60, "2026-12-01", LA, early))
      .toEqual(["2026-12-01T18:00:00Z", "2026-12-01T19:00:00Z"]);
    expect(freeStarts(spans, 30, "2026-12-01", LA, early)).toHaveLength(5);
  });

  it("offers nothing in the past or on another day", () => {
    expect(freeStarts(spans, 60, "2026-12-01", LA, new Date("2026-12-01T18:30:00Z"))).toEqual(["2026-12-01T19:00:00Z"]);
    expect(freeStarts(spans, 60, "2026-12-02", LA, early)).toEqual([]);
  });

  it("offers nothing when no span is long enough", () => {
    expect(freeStarts(spans, 180, "2026-12-01", LA, early)).toEqual([]);
  });
});

describe("why a change was refused", () => {
  it("lists the server's alternatives when the time is taken", () => {
    const m = conflictMessage(409, { alternatives: ["2026-12-01T19:00:00Z", "2026-12-01T20:00:00Z"] } as never, LA);
    expect(m).toMatch(/^That time is taken/);
    expect(m).toContain("Tuesday, December 1 at 11:00 AM PST");
    expect(m).toContain("12:00 PM PST");
  });

  it("says when there is no free time nearby", () => {
    expect(conflictMessage(409, { detail: "taken" }, LA)).toContain("There is no free time nearby");
  });

  it("says someone else changed it first, with the state now", () => {
    const m = conflictMessage(409, { current: appt({ status: "cancelled" }) } as never, LA);
    expect(m).toContain("Someone else changed this appointment first");
    expect(m).toContain("cancelled");
  });

  it("names working hours on a 422, the server's words otherwise", () => {
    expect(conflictMessage(422, { detail: "Sam works 9–5." }, LA)).toContain("outside the practitioner's working hours, so nothing was changed. Sam works 9–5.");
    expect(conflictMessage(400, { detail: "bad start" }, LA)).toBe("Nothing was changed: bad start.");
    expect(conflictMessage(0, null, LA)).toContain("did not answer");
  });

  it("words a refused booking as not booked", () => {
    expect(conflictMessage(409, { alternatives: [] } as never, LA, "book")).toMatch(/^That time is taken, so it was not booked\./);
    expect(conflictMessage(400, { detail: "bad start" }, LA, "book")).toBe("Not booked: bad start.");
  });

  it("reads alternatives as strings or slots", () => {
    expect(alternativesOf({ alternatives: ["a", { start: "b" }, 3] })).toEqual(["a", "b"]);
    expect(alternativesOf(null)).toEqual([]);
  });
});

describe("the live refetch", () => {
  it("runs once after a burst of changes", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 200);
    d(); vi.advanceTimersByTime(100); d(); vi.advanceTimersByTime(100); d();
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(199);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    d(); vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(2);
    d(); d.cancel(); vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});

describe("the grid's hours", () => {
  it("spans the clinic's opening hours with an hour either side", () => {
    expect(slotLimits([{ start: "09:00", end: "17:30" }, { start: "08:30", end: "12:00" }])).toEqual({ min: "07:00:00", max: "19:00:00" });
    expect(slotLimits([])).toEqual({ min: "07:00:00", max: "20:00:00" });
    expect(slotLimits([{ start: "00:00", end: "23:30" }])).toEqual({ min: "00:00:00", max: "24:00:00" });
  });
});

describe("the knot check a booking followed", () => {
  it("reads an id or an object", () => {
    expect(assessmentSummary(null)).toBeNull();
    expect(assessmentSummary(12)).toEqual({ id: 12, outcome: null, reasons: [], knots: [] });
    expect(assessmentSummary({ id: 3, outcome: "see_chiropractor_first", reasons: [{ rule: "r", reason: "Pain 8/10." }],
      knots: [{ region: "upper_trapezius", side: "left", pain: 8 }] })).toEqual({
      id: 3, outcome: "See the chiropractor first", reasons: ["Pain 8/10."], knots: ["upper trapezius (left), pain 8/10"] });
    expect(assessmentSummary({ id: 4, result: { outcome: "book_online", reasons: ["ok"] }, input: { knots: [{ region: "calf" }] } }))
      .toEqual({ id: 4, outcome: "Could book online", reasons: ["ok"], knots: ["calf"] });
  });
});
