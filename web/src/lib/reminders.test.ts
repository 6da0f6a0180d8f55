import { describe, expect, test } from "vitest";
import { changeReminders, reminderText } from "./reminders";

describe("the reminder choice on the manage page", () => {
  test("a saved choice is shown as stored", async () => {
    const sent: boolean[] = [];
    const off = await changeReminders(true, false, async (on) => { sent.push(on); return on; });
    expect(off).toEqual({ on: false, message: "We will not send you reminders.", failed: false });
    const on = await changeReminders(false, true, async (v) => { sent.push(v); return v; });
    expect(on).toEqual({ on: true, message: "We will remind you before your appointments.", failed: false });
    expect(sent).toEqual([false, true]);
  });

  test("the server's answer wins over what was asked", async () => {
    expect((await changeReminders(true, false, async () => true)).on).toBe(true);
  });

  test("a failed save keeps the old choice and says nothing changed", async () => {
    const r = await changeReminders(true, false, async () => { throw new Error("HTTP 503"); });
    expect(r.on).toBe(true);
    expect(r.failed).toBe(true);
    expect(r.message).toMatch(/could not be saved; nothing was changed/);
  });

  test("texts", () => {
    expect(reminderText(true)).toMatch(/remind you/);
    expect(reminderText(false)).toMatch(/not send you reminders/);
  });
});
