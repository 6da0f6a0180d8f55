import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StaffApiError, StaffClient } from "./api";
import {
  createAutosaver, findingText, getNote, mapHighlight, markKey, markText, NoteContent, saveNote, signingNeeds,
  toggleFinding, VisitNote,
} from "./notes_api";

const regions = new Map([["upper_trapezius_ridge", "Top of the shoulder"], ["sacrum", "Sacrum"]]);

function content(over: Partial<NoteContent> = {}): NoteContent {
  return {
    subjective: { words: "", pain: 6, sleep: "some", limits_movement: false, movements: [] },
    objective: { findings: "", knots: [] },
    treatment: { technique: "art", muscles: ["upper_trapezius"], minutes: 30, pressure: "firm", pain_before: 6, pain_after: 3 },
    assessment_plan: "ART weekly", ...over,
  };
}

function note(version: number): VisitNote {
  return { id: 1, appointment_id: 5, patient_id: 2, practitioner_id: 3, status: "draft", version, content: content(),
    author: null, created_at: null, updated_at: null, signed_by: null, signed_at: null, addenda: [] };
}

describe("findings on the body map", () => {
  it("adds a finding where the map is pressed and removes it on a second press", () => {
    let knots = toggleFinding([], "upper_trapezius_ridge", "right");
    knots = toggleFinding(knots, "sacrum", undefined);
    expect(knots.map((k) => markKey(k.region, k.side))).toEqual(["upper_trapezius_ridge:right", "sacrum"]);
    expect(knots[0]).toMatchObject({ size: "small", tenderness: 1, taut_band: false, side: "right" });
    expect(knots[1].side).toBeNull();
    // The other side of the same region is another knot.
    knots = toggleFinding(knots, "upper_trapezius_ridge", "left");
    expect(knots).toHaveLength(3);
    knots = toggleFinding(knots, "upper_trapezius_ridge", "right");
    expect(knots.map((k) => markKey(k.region, k.side))).toEqual(["sacrum", "upper_trapezius_ridge:left"]);
  });

  it("says each finding and each patient's mark in words", () => {
    expect(findingText({ region: "upper_trapezius_ridge", side: "right", size: "medium", tenderness: 2,
      taut_band: true, twitch_response: true, reproduces_referral: true }, regions))
      .toBe("Top of the shoulder (right): medium knot, moderate tenderness (2/3), taut band, local twitch response, reproduces the referred pain");
    expect(findingText({ region: "sacrum", side: null, size: "small", tenderness: 0,
      taut_band: false, twitch_response: false, reproduces_referral: false }, regions))
      .toBe("Sacrum: small knot, no tenderness (0/3)");
    expect(markText({ region: "upper_trapezius_ridge", side: "left", pain: 7 }, regions)).toBe("Top of the shoulder (left), pain 7/10");
    expect(markText({ region: "calf_unknown" }, regions)).toBe("calf unknown");
  });

  it("colours findings and marks apart", () => {
    const h = mapHighlight([{ region: "sacrum" }, { region: "upper_trapezius_ridge", side: "left" }], "referral");
    expect([...h]).toEqual([["sacrum", "referral"], ["upper_trapezius_ridge:left", "referral"]]);
  });
});

describe("what signing needs", () => {
  it("is nothing for a complete note", () => {
    expect(signingNeeds(content())).toEqual([]);
  });
  it("names every missing part with the server's field names", () => {
    const empty = content({ assessment_plan: "  " });
    empty.subjective.pain = null;
    empty.treatment = { technique: null, muscles: [], minutes: 0, pressure: "moderate", pain_before: null, pain_after: null };
    expect(signingNeeds(empty).map(([f]) => f)).toEqual([
      "subjective.pain", "treatment.technique", "treatment.minutes", "treatment.pain_before", "treatment.pain_after", "assessment_plan"]);
  });
});

describe("requests", () => {
  it("puts the draft with its version at the visit's note", async () => {
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ note: note(2) }), { status: 200 }));
    const client = new StaffClient("/api/v1/clinics/c", () => {}, fetcher as unknown as typeof fetch);
    client.csrf = "t";
    const saved = await saveNote(client, 5, 1, content());
    expect(saved.version).toBe(2);
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/clinics/c/visits/5/note");
    expect(init.method).toBe("PUT");
    const body = JSON.parse(init.body as string);
    expect(body.version).toBe(1);
    expect(body.treatment.technique).toBe("art");
    await getNote(client, 5);
    expect((fetcher.mock.calls[1] as unknown as [string])[0]).toBe("/api/v1/clinics/c/visits/5/note");
  });
});

describe("autosave", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it("waits for a quiet moment, then saves the latest content once with the version it saw", async () => {
    const save = vi.fn(async (version: number) => note(version + 1));
    const states: string[] = [];
    const saver = createAutosaver({ version: 0, delayMs: 500, save, onState: (s) => states.push(s.kind) });
    saver.change(content({ assessment_plan: "a" }));
    saver.change(content({ assessment_plan: "ab" }));
    await vi.advanceTimersByTimeAsync(499);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0][0]).toBe(0);
    expect((save.mock.calls[0] as unknown as [number, NoteContent])[1].assessment_plan).toBe("ab");
    expect(saver.version()).toBe(1);
    expect(states.at(-1)).toBe("saved");

    saver.change(content({ assessment_plan: "abc" }));
    await vi.advanceTimersByTimeAsync(500);
    expect(save.mock.calls[1][0]).toBe(1);
    expect(saver.version()).toBe(2);
  });

  it("saves a change made during a save after it, and flush saves at once", async () => {
    let release: (n: VisitNote) => void = () => {};
    const save = vi.fn((version: number) => new Promise<VisitNote>((ok) => { release = () => ok(note(version + 1)); }));
    const saver = createAutosaver({ version: 3, delayMs: 100, save, onState: () => {} });
    saver.change(content({ assessment_plan: "one" }));
    await vi.advanceTimersByTimeAsync(100);
    expect(save).toHaveBeenCalledTimes(1);
    saver.change(content({ assessment_plan: "two" }));
    const flushed = saver.flush();
    release(note(4));
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(save.mock.calls[1][0]).toBe(4);
    release(note(5));
    expect((await flushed)?.version).toBe(5);
    expect(saver.version()).toBe(5);
  });

  it("stops on a 409 and reports the note as it is now", async () => {
    const current = { ...note(7), status: "signed" as const };
    const save = vi.fn(async () => { throw new StaffApiError(409, { title: "Note changed", status: 409, detail: "the note is signed", note: current } as never); });
    const states: { kind: string; current?: VisitNote | null }[] = [];
    const saver = createAutosaver({ version: 6, delayMs: 10, save, onState: (s) => states.push(s as never) });
    saver.change(content());
    await vi.advanceTimersByTimeAsync(10);
    expect(states.at(-1)?.kind).toBe("conflict");
    expect(states.at(-1)?.current?.status).toBe("signed");
    saver.change(content({ assessment_plan: "more" }));
    await vi.advanceTimersByTimeAsync(10);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("keeps the content after a failed save and tries again on flush", async () => {
    let fail = true;
    const save = vi.fn(async (version: number) => { if (fail) throw new StaffApiError(0, null); return note(version + 1); });
    const states: string[] = [];
    const saver = createAutosaver({ version: 1, delayMs: 10, save, onState: (s) => states.push(s.kind) });
    saver.change(content());
    await vi.advanceTimersByTimeAsync(10);
    expect(states.at(-1)).toBe("failed");
    expect(save).toHaveBeenCalledTimes(1);  // no retry loop against a server that is down
    expect(saver.dirty()).toBe(true);
    fail = false;
    expect((await saver.flush())?.version).toBe(2);
    expect(states.at(-1)).toBe("saved");
    expect(saver.dirty()).toBe(false);
  });
});
