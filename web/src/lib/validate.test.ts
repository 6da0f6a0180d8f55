import { describe, expect, it } from "vitest";
import { normalizePhone, serverFieldErrors, validateDetails, validateField } from "./validate";

describe("details validation", () => {
  it("accepts a complete form", () => {
    expect(validateDetails({ given_name: "Ana", family_name: "Ruiz", email: "ana@example.org",
      phone: "(415) 555-0142" })).toEqual({});
  });
  it("says what to fix for every empty field", () => {
    const e = validateDetails({ given_name: " ", family_name: "", email: "", phone: "" });
    expect(Object.keys(e).sort()).toEqual(["email", "family_name", "given_name", "phone"]);
    expect(e.given_name).toMatch(/first name/);
  });
  it("rejects malformed emails and phones with a hint", () => {
    expect(validateField("email", "ana@")).toMatch(/like name@example.com/);
    expect(validateField("email", "ana example@x.org")).toBeDefined();
    expect(validateField("phone", "555-01")).toMatch(/area code/);
    expect(validateField("phone", "415 555 abcd")).toMatch(/digits/);
    expect(validateField("phone", "+44 20 7946 0958")).toBeUndefined();
  });
  it("normalizes phones to E.164", () => {
    expect(normalizePhone("(415) 555-0142")).toBe("+14155550142");
    expect(normalizePhone("1 415 555 0142")).toBe("+14155550142");
    expect(normalizePhone("+44 20 7946 0958")).toBe("+442079460958");
  });
  it("maps server field errors onto the form", () => {
    expect(serverFieldErrors([{ field: "patient.email", reason: "must be an email address" }]))
      .toEqual({ email: "The clinic says: must be an email address." });
  });
});
