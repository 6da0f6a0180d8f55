import { describe, expect, it } from "vitest";
import { formatInstantDateTime, formatLocalDate, formatLocalTime, formatInstantTime, formatShortDate, formatPhone, localDate,
  openingHours, telHref, zoneLabel } from "./time";

describe("time formatting", () => {
  it("formats clinic-local wall-clock times as given, whatever the browser's zone", () => {
    expect(formatLocalTime("2026-12-08T09:00:00")).toBe("9:00 AM");
    expect(formatLocalTime("2026-12-08T13:45:00")).toBe("1:45 PM");
    expect(formatLocalDate("2026-12-08")).toBe("Tuesday, December 8, 2026");
  });
  it("formats an instant in an explicit zone, across the DST change", () => {
    expect(formatInstantTime("2026-12-08T17:00:00Z", "America/Los_Angeles")).toBe("9:00 AM");
    expect(formatInstantTime("2026-10-30T16:00:00Z", "America/Los_Angeles")).toBe("9:00 AM");
    expect(formatInstantTime("2026-12-08T17:00:00Z", "America/New_York")).toBe("12:00 PM");
  });
  it("gives the clinic's date, not the browser's", () => {
    const now = new Date(Date.UTC(2026, 11, 8, 5, 0)); // 21:00 on Dec 7 in Los Angeles
    expect(localDate("America/Los_Angeles", now)).toBe("2026-12-07");
    expect(localDate("America/Los_Angeles", now, 14)).toBe("2026-12-21");
    expect(localDate("Europe/Berlin", now)).toBe("2026-12-08");
  });
  it("labels zones and phones", () => {
    expect(zoneLabel("America/Los_Angeles")).toBe("Los Angeles time");
    expect(formatPhone("+14155550134")).toBe("(415) 555-0134");
    expect(formatPhone("+1 415-555-0134")).toBe("(415) 555-0134");
    expect(telHref("+1 415-555-0134")).toBe("tel:+14155550134");
  });
  it("lists opening hours Monday first with closed days", () => {
    const rows = openingHours([{ day: "saturday", start: "09:00", end: "13:00" },
      { day: "monday", start: "08:00", end: "20:00" }]);
    expect(rows[0]).toEqual(["Monday", "8:00 AM – 8:00 PM"]);
    expect(rows[5]).toEqual(["Saturday", "9:00 AM – 1:00 PM"]);
    expect(rows[6]).toEqual(["Sunday", "Closed"]);
  });
  it("formats an instant as date and time in the clinic's zone, with the zone's abbreviation", () => {
    expect(formatInstantDateTime("2026-12-07T17:00:00Z", "America/Los_Angeles")).toBe("Monday, December 7 at 9:00 AM PST");
    expect(formatInstantDateTime("2026-07-07T07:30:00Z", "America/Los_Angeles")).toBe("Tuesday, July 7 at 12:30 AM PDT");
  });
  it("spells wall-clock times and dates as Intl's en-US does, midnight and noon included", () => {
    const intlTime = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
    const intlDate = new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone: "UTC" });
    const intlShort = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });
    const plain = (text: string) => text.replace(/\u202f/g, " ");
    for (let hour = 0; hour < 24; hour++) {
      for (const minute of [0, 5, 30, 59]) {
        const local = `2026-03-08T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00`;
        expect(formatLocalTime(local)).toBe(plain(intlTime.format(new Date(`${local}Z`))));
      }
    }
    for (let day = 0; day < 400; day += 7) {
      const d = new Date(Date.UTC(2026, 0, 1 + day));
      const local = d.toISOString().slice(0, 10);
      expect(formatLocalDate(local)).toBe(intlDate.format(d));
      expect(formatShortDate(local)).toBe(intlShort.format(d));
    }
    expect(formatLocalTime("2026-12-08T00:00:00")).toBe("12:00 AM");
    expect(formatLocalTime("2026-12-08T12:30:00")).toBe("12:30 PM");
    expect(formatInstantTime("2026-12-08T08:00:00Z", "America/Los_Angeles")).toBe("12:00 AM");
  });
});
