import { describe, expect, it } from "vitest";
import { buildIcs, escapeText, foldLine, zoneOffsetMinutes, zoneTransitions } from "./ics";

const event = {
  uid: "appointment-17@mission-sports-chiro.unknot",
  start: "2026-12-08T17:00:00Z",
  end: "2026-12-08T17:30:00Z",
  timeZone: "America/Los_Angeles",
  summary: "ART session, Mission Sports Chiropractic & Massage",
  location: "2250 Folsom Street, Suite 200; San Francisco",
  description: "Bring comfortable clothes.\nArrive 10 minutes early.",
  now: new Date(Date.UTC(2026, 10, 26, 20, 0, 0)),
};

describe("time-zone data", () => {
  it("knows the Los Angeles offsets either side of the 2026 changes", () => {
    expect(zoneOffsetMinutes("America/Los_Angeles", Date.UTC(2026, 0, 15))).toBe(-480);
    expect(zoneOffsetMinutes("America/Los_Angeles", Date.UTC(2026, 6, 15))).toBe(-420);
  });
  it("finds the US DST days 2026-03-08 and 2026-11-01 to the minute", () => {
    const t = zoneTransitions("America/Los_Angeles", Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(t).toEqual([
      { at: Date.UTC(2026, 2, 8, 10, 0), from: -480, to: -420 },
      { at: Date.UTC(2026, 10, 1, 9, 0), from: -420, to: -480 },
    ]);
  });
  it("finds none in a zone without DST", () => {
    expect(zoneTransitions("America/Phoenix", Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))).toEqual([]);
  });
});

describe("buildIcs", () => {
  const ics = buildIcs(event);
  const lines = ics.split("\r\n");

  it("uses CRLF line ends, ends with one, and has no bare LF", () => {
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });
  it("writes the event in clinic-local time with the TZID", () => {
    expect(lines).toContain("DTSTART;TZID=America/Los_Angeles:20261208T090000");
    expect(lines).toContain("DTEND;TZID=America/Los_Angeles:20261208T093000");
    expect(lines).toContain("DTSTAMP:20261126T200000Z");
    expect(lines).toContain("UID:appointment-17@mission-sports-chiro.unknot");
  });
  it("defines the TZID it uses with the real DST rules", () => {
    const tz = ics.slice(ics.indexOf("BEGIN:VTIMEZONE"), ics.indexOf("END:VTIMEZONE"));
    expect(tz).toContain("TZID:America/Los_Angeles");
    expect(tz).toContain("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700");
    expect(tz).toContain("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800");
  });
  it("nests components properly and has the required properties", () => {
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines.some((l) => l.startsWith("PRODID:"))).toBe(true);
    expect(lines[lines.length - 2]).toBe("END:VCALENDAR");
    const stack: string[] = [];
    for (const l of lines) {
      if (l.startsWith("BEGIN:")) stack.push(l.slice(6));
      if (l.startsWith("END:")) expect(stack.pop()).toBe(l.slice(4));
    }
    expect(stack).toEqual([]);
  });
  it("escapes text values", () => {
    expect(lines.join("")).toContain("LOCATION:2250 Folsom Street\\, Suite 200\\; San Francisco");
    expect(ics).toContain("Bring comfortable clothes.\\nArrive");
  });
  it("keeps every line within 75 octets", () => {
    for (const l of lines) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
  });
  it("refuses an event that ends before it starts", () => {
    expect(() => buildIcs({ ...event, end: event.start })).toThrow();
  });
  it("writes a fixed-offset VTIMEZONE for a zone without DST", () => {
    const phx = buildIcs({ ...event, timeZone: "America/Phoenix" });
    expect(phx).toContain("DTSTART;TZID=America/Phoenix:20261208T100000");
    expect(phx).toContain("TZOFFSETFROM:-0700\r\nTZOFFSETTO:-0700");
  });
});

describe("text helpers", () => {
  it("escapes backslash, semicolon, comma and newlines", () => {
    expect(escapeText("a\\b;c,d\ne")).toBe("a\\\\b\\;c\\,d\\ne");
  });
  it("folds long lines without splitting a multi-byte character", () => {
    const folded = foldLine("DESCRIPTION:" + "é".repeat(80));
    const parts = folded.split("\r\n ");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(75);
    expect(parts.join("")).toBe("DESCRIPTION:" + "é".repeat(80));
  });
});
