import { describe, expect, it } from "vitest";
import { afterSignIn, allowed, currentNav, signInRoute, visibleNav } from "./nav";
import type { Access } from "./api";

// The role columns of the server's policy (src/core/staff/authorization.hpp), for the actions the nav uses.
const owner: Record<string, Access> = { view_schedule: "clinic", search_patients: "clinic", view_clinic_setup: "clinic",
  edit_clinic_setup: "clinic", manage_staff: "clinic", view_audit_log: "clinic", export_audit_log: "clinic",
  manage_own_account: "clinic", view_messages: "clinic" };
const frontDesk: Record<string, Access> = { view_schedule: "clinic", search_patients: "clinic", view_clinic_setup: "clinic",
  edit_clinic_setup: "denied", manage_staff: "denied", view_audit_log: "denied", export_audit_log: "denied",
  manage_own_account: "clinic", view_messages: "clinic" };
const practitioner: Record<string, Access> = { ...frontDesk, search_patients: "own_patients", view_messages: "denied" };

describe("permission-based nav", () => {
  const labels = (p: Record<string, Access>) => visibleNav(p).map((i) => i.label);
  it("shows the owner everything", () => {
    expect(labels(owner)).toEqual(["Home", "Calendar", "Patients", "Clinic set-up", "Users & sessions",
      "Undelivered messages", "Audit log", "My account"]);
  });
  it("hides users and the audit log from the front desk", () => {
    expect(labels(frontDesk)).toEqual(["Home", "Calendar", "Patients", "Clinic set-up", "Undelivered messages", "My account"]);
    expect(labels(practitioner)).not.toContain("Undelivered messages");
  });
  it("shows the calendar only with view_schedule", () => {
    expect(labels({ ...frontDesk, view_schedule: "denied" })).not.toContain("Calendar");
    expect(labels({ ...frontDesk, view_schedule: "own_schedule" })).toContain("Calendar");
  });
  it("counts an own-scope permission as allowed", () => {
    expect(labels(practitioner)).toContain("Patients");
    expect(allowed(practitioner, "search_patients")).toBe(true);
  });
  it("treats an unknown or missing action as denied", () => {
    expect(allowed(owner, "launch_rockets")).toBe(false);
    expect(labels({})).toEqual(["Home"]);
    expect(visibleNav(undefined).map((i) => i.route)).toEqual(["staff"]);
  });
  it("marks the section a deep route is in", () => {
    expect(currentNav("staff/setup/practitioners/3")).toBe("staff/setup");
    expect(currentNav("staff/patients")).toBe("staff/patients");
    expect(currentNav("staff")).toBe("staff");
    expect(currentNav("staff/setupx")).toBe("staff");
  });
});

describe("sign-in round trip", () => {
  it("keeps where the person was going", () => {
    expect(signInRoute("staff/patients", "?q=ana&page=2")).toBe("staff/sign-in?next=staff%2Fpatients%3Fq%3Dana%26page%3D2");
    expect(signInRoute("staff")).toBe("staff/sign-in");
    expect(signInRoute("staff/sign-in", "?next=x")).toBe("staff/sign-in");
  });
  it("goes only to staff routes afterwards", () => {
    expect(afterSignIn("staff/patients?q=ana")).toBe("staff/patients?q=ana");
    expect(afterSignIn(null)).toBe("staff");
    expect(afterSignIn("//evil.example/")).toBe("staff");
    expect(afterSignIn("book")).toBe("staff");
    expect(afterSignIn("staff/sign-in")).toBe("staff");
  });
});
