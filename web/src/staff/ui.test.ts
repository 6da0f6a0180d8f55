import { describe, expect, it, vi } from "vitest";
import { StaffApiError } from "./api";
import { failSave, saveErrors, saveMessage } from "./ui";

const fields = ["current_password", "new_password"];

describe("a failed save on the form", () => {
  it("puts the password policy's reason on the new password", () => {
    const e = new StaffApiError(400, { status: 400, errors: [{ field: "new_password", reason: "is one of the most common passwords" }] });
    expect(saveErrors(e, fields)).toEqual({ fields: { new_password: "Is one of the most common passwords." }, other: [] });
  });
  it("puts a wrong current password (a 403 naming it) on its field, not on the page", () => {
    const e = new StaffApiError(403, { status: 403, errors: [{ field: "current_password", reason: "is not right" }] });
    expect(saveErrors(e, fields).fields).toEqual({ current_password: "Is not right." });
  });
  it("names rows' fields with their scope", () => {
    const e = new StaffApiError(400, { status: 400, errors: [{ field: "name", reason: "is taken" }] });
    expect(saveErrors(e, ["name", "kind"], "room-3").fields).toEqual({ "room-3:name": "Is taken." });
  });
  it("says something even without field errors", () => {
    expect(saveErrors(new StaffApiError(409, { status: 409, detail: "an owner cannot disable themselves" }), fields))
      .toEqual({ fields: {}, other: ["an owner cannot disable themselves"] });
    expect(saveMessage(new StaffApiError(0, null))).toMatch(/did not answer, so nothing was saved/);
    expect(saveMessage(new StaffApiError(503, null, 4))).toBe("The server is busy. Try again in 4 s.");
    expect(saveMessage(new StaffApiError(403, null))).toBe("Your role cannot change this.");
  });
  it("offers to keep stranded appointments instead of showing errors", () => {
    const stranded = [{ id: 5, start: "2026-12-08T17:00:00Z", end: "2026-12-08T18:00:00Z", practitioner_id: 1, service_id: 2 }];
    const form = { fail: vi.fn() };
    const onStranded = vi.fn();
    failSave(new StaffApiError(409, { status: 409, stranded }), form, fields, onStranded);
    expect(onStranded).toHaveBeenCalledWith(stranded);
    expect(form.fail).not.toHaveBeenCalled();
    failSave(new StaffApiError(409, { status: 409, detail: "conflict" }), form, fields, onStranded);
    expect(form.fail).toHaveBeenCalledWith({ fields: {}, other: ["conflict"] });
  });
});
