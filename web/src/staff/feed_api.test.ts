import { describe, expect, it } from "vitest";
import { StaffClient } from "./api";
import { feedButtonLabel, feedStatus, newFeedLink, rotateQuestion, setFeedPatientNames, turnOffFeed } from "./feed_api";

function recording() {
  const calls: { url: string; method: string; body?: string; headers: Record<string, string> }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? "GET", body: init.body as string | undefined,
      headers: init.headers as Record<string, string> });
    const body = init.method === "DELETE" ? "" : init.method === "POST"
      ? JSON.stringify({ url: "http://x/calendar.ics?key=k", webcal: "webcal://x/calendar.ics?key=k", created_at: "2026-11-26T18:00:00Z" })
      : JSON.stringify({ exists: true, created_at: "2026-11-26T18:00:00Z" });
    return new Response(body, { status: init.method === "DELETE" ? 200 : 200 });
  }) as unknown as typeof fetch;
  const client = new StaffClient("/api/v1/clinics/c", () => {}, fetcher);
  client.csrf = "tok";
  return { client, calls };
}

describe("calendar feed client", () => {
  it("reads the status, makes a link with the CSRF token, turns it off", async () => {
    const { client, calls } = recording();
    expect(await feedStatus(client, 3)).toEqual({ exists: true, created_at: "2026-11-26T18:00:00Z" });
    const link = await newFeedLink(client, 3);
    expect(link.webcal.startsWith("webcal://")).toBe(true);
    await turnOffFeed(client, 3);
    await setFeedPatientNames(client, true);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "GET /api/v1/clinics/c/practitioners/3/calendar-feed",
      "POST /api/v1/clinics/c/practitioners/3/calendar-feed",
      "DELETE /api/v1/clinics/c/practitioners/3/calendar-feed",
      "PUT /api/v1/clinics/c/calendar-feed-settings",
    ]);
    expect(calls[1].headers["X-CSRF-Token"]).toBe("tok");
    expect(JSON.parse(calls[3].body ?? "{}")).toEqual({ patient_names: true });
  });

  it("asks before replacing a working link only", () => {
    expect(feedButtonLabel(null)).toBe("Create feed link");
    expect(feedButtonLabel({ exists: false, created_at: null })).toBe("Create feed link");
    expect(feedButtonLabel({ exists: true, created_at: "x" })).toBe("New link (the old one stops working)");
    expect(rotateQuestion({ exists: false, created_at: null })).toBeNull();
    expect(rotateQuestion({ exists: true, created_at: "x" })).toMatch(/old link/);
  });
});
