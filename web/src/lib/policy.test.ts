import { describe, expect, test } from "vitest";
import { describeMinutes, onlineChange } from "./policy";

const policy = { min_notice_minutes: 120, horizon_days: 60, cancellation_window_minutes: 1440,
  slot_step_minutes: 15, grace_period_minutes: 15 };
const appointment = { status: "booked", start: "2026-12-08T17:00:00Z", created_at: "2026-12-01T10:00:00Z" };

describe("onlineChange", () => {
  test("allowed until the cancellation window opens", () => {
    const r = onlineChange(appointment, policy, new Date("2026-12-05T12:00:00Z"));
    expect(r.refusal).toBeNull();
    expect(r.until?.toISOString()).toBe("2026-12-07T17:00:00.000Z");
  });

  test("inside the window: refused", () => {
    expect(onlineChange(appointment, policy, new Date("2026-12-07T17:00:00Z")).refusal)
      .toBe("inside_cancellation_window");
  });

  test("always allowed in the grace period right after booking, even inside the window", () => {
    const late = { ...appointment, created_at: "2026-12-08T09:00:00Z" };
    const r = onlineChange(late, policy, new Date("2026-12-08T09:10:00Z"));
    expect(r.refusal).toBeNull();
    expect(r.until?.toISOString()).toBe("2026-12-08T09:15:00.000Z");
    expect(onlineChange(late, policy, new Date("2026-12-08T09:15:00Z")).refusal).toBe("inside_cancellation_window");
  });

  test("never once it has started, and never unless booked", () => {
    const booked = { ...appointment, created_at: "2026-12-08T16:55:00Z" };
    expect(onlineChange(booked, policy, new Date("2026-12-08T17:00:00Z")).refusal).toBe("started");
    expect(onlineChange({ ...appointment, status: "cancelled" }, policy, new Date("2026-12-01T11:00:00Z")).refusal)
      .toBe("not_booked");
  });

  test("the grace period does not reach past the start", () => {
    const r = onlineChange({ ...appointment, created_at: "2026-12-08T16:50:00Z" }, policy, new Date("2026-12-08T16:52:00Z"));
    expect(r.until?.toISOString()).toBe("2026-12-08T17:00:00.000Z");
  });
});

test("describeMinutes", () => {
  expect(describeMinutes(1440)).toBe("24 hours");
  expect(describeMinutes(2880)).toBe("2 days");
  expect(describeMinutes(90)).toBe("90 minutes");
  expect(describeMinutes(60)).toBe("1 hour");
  expect(describeMinutes(1)).toBe("1 minute");
});
