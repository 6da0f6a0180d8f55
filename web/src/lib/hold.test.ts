import { describe, expect, test } from "vitest";
import { holdState, msToNextTick } from "./hold";

const expires = "2026-12-01T17:07:00Z";
const at = (iso: string) => Date.parse(iso);

describe("holdState", () => {
  test("shows minutes and seconds left, rounded up to the whole second", () => {
    expect(holdState(expires, at("2026-12-01T17:00:00Z"))).toMatchObject({ seconds: 420, lapsed: false, clock: "7:00" });
    expect(holdState(expires, at("2026-12-01T17:00:54.5Z")).clock).toBe("6:06");
    expect(holdState(expires, at("2026-12-01T17:06:59.2Z")).clock).toBe("0:01");
  });

  test("the spoken text changes once a minute, not every second", () => {
    const spoken = new Set<string>();
    for (let t = at("2026-12-01T17:00:00Z"); t < at(expires); t += 1000) spoken.add(holdState(expires, t).spoken);
    // 7, 6, 5, 4, 3, 2 minutes, then "less than a minute": seven texts for 420 ticks.
    expect([...spoken]).toEqual([7, 6, 5, 4, 3, 2].map((m) => `This time is held for you for ${m} more minutes.`)
      .concat(["This time is held for you for less than a minute more."]));
    expect(holdState(expires, at("2026-12-01T17:05:30Z")).spoken).toBe(holdState(expires, at("2026-12-01T17:05:01Z")).spoken);
  });

  test("lapses at the expiry instant and stays lapsed", () => {
    for (const now of ["2026-12-01T17:07:00Z", "2026-12-01T17:30:00Z"]) {
      const s = holdState(expires, at(now));
      expect(s).toMatchObject({ seconds: 0, lapsed: true, clock: "0:00" });
      expect(s.spoken).toMatch(/ended/);
    }
  });
});

describe("msToNextTick", () => {
  test("waits until the next whole second left", () => {
    expect(msToNextTick(expires, at("2026-12-01T17:00:00Z"))).toBe(1000);
    expect(msToNextTick(expires, at("2026-12-01T17:00:00.250Z"))).toBe(750);
    expect(msToNextTick(expires, at("2026-12-01T17:08:00Z"))).toBe(0);
  });
});
