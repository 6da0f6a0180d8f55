import { describe, expect, test } from "vitest";
import { confirmationText, requestNotice, statusLabel } from "./request";

describe("requests needing the clinic's approval", () => {
  test("a request waits for approval", () => {
    expect(requestNotice("requested", "+14155550100")).toContain("waiting for the clinic's approval");
    expect(statusLabel("requested")).toBe("Waiting for the clinic's approval");
  });

  test("a declined request says to call the clinic, with its number", () => {
    const text = requestNotice("declined", "+14155550100");
    expect(text).toContain("The clinic declined this request — call");
    expect(text).toContain("(415) 555-0100");
    expect(statusLabel("declined")).toBe("Declined by the clinic");
  });

  test("booked appointments have no notice", () => {
    expect(requestNotice("booked", "+14155550100")).toBeNull();
    expect(statusLabel("booked")).toBe("Booked");
    expect(statusLabel("no_show")).toBe("no show");
  });

  test("the confirmation of a request says it awaits approval", () => {
    expect(confirmationText("requested").status).toContain("awaits the clinic's approval");
    expect(confirmationText("booked").heading).toBe("You are booked");
  });
});
