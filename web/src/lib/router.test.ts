import { describe, expect, it } from "vitest";
import { clinicRoot, routeOf } from "./router";

describe("routes", () => {
  it("splits the clinic's root from the app's route", () => {
    expect(clinicRoot("/c/mission-sports-chiro/manage/17")).toBe("/c/mission-sports-chiro/");
    expect(routeOf("/c/mission-sports-chiro/")).toBe("");
    expect(routeOf("/c/mission-sports-chiro/manage/17")).toBe("manage/17");
    expect(routeOf("/c/mission-sports-chiro/check/")).toBe("check");
  });
});
