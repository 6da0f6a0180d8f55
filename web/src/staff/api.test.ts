import { describe, expect, it, vi } from "vitest";
import { parseProblem, parseRetryAfter, query, StaffApiError, StaffClient } from "./api";

function answer(status: number, body: unknown = null, headers: Record<string, string> = {}) {
  const text = body === null ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers });
}

async function failure(p: Promise<unknown>): Promise<StaffApiError> {
  try { await p; } catch (e) { return e as StaffApiError; }
  throw new Error("expected a failure");
}

function client(...answers: Response[]) {
  const fetcher = vi.fn(async (..._args: Parameters<typeof fetch>) => answers.shift()!);
  const signedOut = vi.fn();
  const c = new StaffClient("/api/v1/clinics/demo", signedOut, fetcher as unknown as typeof fetch);
  return { c, fetcher, signedOut };
}

const session = {
  staff: { id: 1, email: "o@example.com", display_name: "O", role: "owner", practitioner_id: null },
  clinic: { slug: "demo", name: "Demo" }, csrf_token: "tok-123", idle_expires_at: "", expires_at: "",
  permissions: { manage_staff: "clinic" },
};

describe("StaffClient", () => {
  it("reads with the cookie and no CSRF header or content type", async () => {
    const { c, fetcher } = client(answer(200, session));
    await c.session();
    const [url, init] = fetcher.mock.calls[0];
    expect(url).toBe("/api/v1/clinics/demo/session");
    expect(init!.credentials).toBe("same-origin");
    expect(init!.method).toBe("GET");
    expect((init!.headers as Record<string, string>)["X-CSRF-Token"]).toBeUndefined();
    expect(init!.body).toBeUndefined();
  });

  it("sends JSON, the session's CSRF token and the cookie with every change", async () => {
    const { c, fetcher } = client(answer(200, session), answer(201, { id: 4 }), answer(204),
      answer(200, {}), answer(200, {}));
    await c.session();
    await c.save("POST", "/rooms", { name: "Room 2", kind: "massage" });
    await c.endSession(9);
    await c.updateAccount(3, { disabled: true });
    await c.changePassword("a", "b");
    for (const [, init] of fetcher.mock.calls.slice(1)) {
      const h = init!.headers as Record<string, string>;
      expect(h["Content-Type"]).toBe("application/json");
      expect(h["X-CSRF-Token"]).toBe("tok-123");
      expect(init!.credentials).toBe("same-origin");
    }
    expect(fetcher.mock.calls[1][1]!.body).toBe(JSON.stringify({ name: "Room 2", kind: "massage" }));
    expect(fetcher.mock.calls.map(([, i]) => i!.method)).toEqual(["GET", "POST", "DELETE", "PATCH", "PUT"]);
    expect(fetcher.mock.calls[2][0]).toBe("/api/v1/clinics/demo/sessions/9");
  });

  it("takes the CSRF token from sign-in too", async () => {
    const { c, fetcher } = client(answer(201, { ...session, csrf_token: "fresh" }), answer(204));
    await c.signIn("o@example.com", "pw");
    await c.signOut();
    const signInHeaders = fetcher.mock.calls[0][1]!.headers as Record<string, string>;
    expect(signInHeaders["Content-Type"]).toBe("application/json");
    expect("X-CSRF-Token" in signInHeaders).toBe(false);
    expect((fetcher.mock.calls[1][1]!.headers as Record<string, string>)["X-CSRF-Token"]).toBe("fresh");
    expect(c.csrf).toBe("");
  });

  it("re-sends a stranding change with keep_appointments=true", async () => {
    const { c, fetcher } = client(answer(200, {}), answer(200, {}));
    await c.save("PUT", "/practitioners/2", { active: false });
    await c.save("PUT", "/practitioners/2", { active: false }, true);
    expect(fetcher.mock.calls[0][0]).toBe("/api/v1/clinics/demo/setup/practitioners/2");
    expect(fetcher.mock.calls[1][0]).toBe("/api/v1/clinics/demo/setup/practitioners/2?keep_appointments=true");
  });

  it("returns to sign-in on a 401 anywhere but a failed sign-in", async () => {
    const problem = { type: "x/unauthenticated", title: "Unauthenticated", status: 401 };
    const { c, signedOut } = client(answer(401, problem), answer(401, problem), answer(401, problem));
    await expect(c.signIn("a@b.c", "wrong")).rejects.toMatchObject({ status: 401 });
    expect(signedOut).not.toHaveBeenCalled();
    await expect(c.patients("ana")).rejects.toBeInstanceOf(StaffApiError);
    expect(signedOut).toHaveBeenCalledTimes(1);
    await expect(c.save("POST", "/rooms", {})).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toHaveBeenCalledTimes(2);
  });

  it("turns problem details and Retry-After into the error", async () => {
    const errors = [{ field: "duration_minutes", reason: "must be positive" }];
    const { c, signedOut } = client(
      answer(400, { status: 400, detail: "bad", errors }, { "Content-Type": "application/problem+json" }),
      answer(429, { status: 429, detail: "slow down" }, { "Retry-After": "17" }),
      answer(503, "Service Unavailable", { "Retry-After": "3" }),
      answer(409, { status: 409, stranded: [{ id: 5, start: "s", end: "e", practitioner_id: 1, service_id: 2 }] }));
    const e400 = await failure(c.save("POST", "/services", {}));
    expect(e400.status).toBe(400);
    expect(e400.problem?.errors).toEqual(errors);
    expect(e400.message).toBe("bad");
    const e429 = await failure(c.signIn("a@b.c", "x"));
    expect([e429.status, e429.retryAfter]).toEqual([429, 17]);
    const e503 = await failure(c.signIn("a@b.c", "x"));
    expect([e503.status, e503.retryAfter, e503.problem]).toEqual([503, 3, null]);
    const e409 = await failure(c.save("PUT", "/practitioners/1", {}));
    expect(e409.problem?.stranded?.[0].id).toBe(5);
    expect(signedOut).not.toHaveBeenCalled();
  });

  it("says status 0 when the server does not answer", async () => {
    const c = new StaffClient("/x", () => {}, (async () => { throw new TypeError("offline"); }) as typeof fetch);
    const e = await failure(c.session());
    expect(e.status).toBe(0);
    expect(e.unreachable).toBe(true);
  });

  it("builds the audit CSV link with the same filters", () => {
    const c = new StaffClient("/api/v1/clinics/demo");
    expect(c.auditCsvHref({ staff: "3", patient: "", from: "2026-11-01T07:00:00Z" }))
      .toBe("/api/v1/clinics/demo/audit.csv?staff=3&from=2026-11-01T07%3A00%3A00Z");
  });
});

describe("helpers", () => {
  it("parses Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    const now = Date.parse("2026-11-30T10:00:00Z");
    expect(parseRetryAfter("Mon, 30 Nov 2026 10:00:05 GMT", now)).toBe(5);
  });
  it("parses only JSON objects as problems", () => {
    expect(parseProblem('{"status":400}')).toEqual({ status: 400 });
    expect(parseProblem("[1]")).toBeNull();
    expect(parseProblem("<html>")).toBeNull();
    expect(parseProblem("")).toBeNull();
  });
  it("leaves empty values out of a query", () => {
    expect(query({ q: "ana ruiz", page: 2, x: undefined, y: "", z: null })).toBe("?q=ana+ruiz&page=2");
    expect(query({})).toBe("");
  });
});

describe("StaffClient: the calendar", () => {
  it("makes the calendar's calls as the contract says, every change with the CSRF token and the version", async () => {
    const ok = () => answer(200, { id: 7 });
    const { c, fetcher } = client(answer(200, session), answer(200, { appointments: [] }), answer(201, { id: 7 }),
      ok(), ok(), ok(), answer(200, { requests: [] }), ok(), ok(), ok());
    await c.session();
    await c.calendar("2026-12-01", 7);
    await c.bookCaller({ patient: { given_name: "A", family_name: "B", phone: "+14155550100" }, service: 1,
      practitioner: 2, start: "2026-12-01T17:00:00Z", source: "phone" });
    await c.moveAppointment(7, { version: 3, start: "2026-12-01T18:00:00Z", practitioner: 4 });
    await c.cancelAppointment(7, 4, "ill");
    await c.setStatus(7, 5, "arrived");
    await c.requests();
    await c.approve(8, 1);
    await c.decline(9, 1);
    await c.decline(10, 2, "no slot");
    const calls = fetcher.mock.calls.slice(1).map(([url, init]) => [init!.method, url, init!.body ?? null,
      (init!.headers as Record<string, string>)["X-CSRF-Token"] ?? null]);
    const base = "/api/v1/clinics/demo/calendar";
    expect(calls).toEqual([
      ["GET", `${base}?from=2026-12-01&days=7`, null, null],
      ["POST", `${base}/appointments`, JSON.stringify({ patient: { given_name: "A", family_name: "B", phone: "+14155550100" },
        service: 1, practitioner: 2, start: "2026-12-01T17:00:00Z", source: "phone" }), "tok-123"],
      ["PATCH", `${base}/appointments/7`, JSON.stringify({ version: 3, start: "2026-12-01T18:00:00Z", practitioner: 4 }), "tok-123"],
      ["POST", `${base}/appointments/7/cancel`, JSON.stringify({ version: 4, reason: "ill" }), "tok-123"],
      ["POST", `${base}/appointments/7/status`, JSON.stringify({ version: 5, status: "arrived" }), "tok-123"],
      ["GET", `${base}/requests`, null, null],
      ["POST", `${base}/appointments/8/approve`, JSON.stringify({ version: 1 }), "tok-123"],
      ["POST", `${base}/appointments/9/decline`, JSON.stringify({ version: 1 }), "tok-123"],
      ["POST", `${base}/appointments/10/decline`, JSON.stringify({ version: 2, reason: "no slot" }), "tok-123"],
    ]);
    expect(c.calendarEventsUrl()).toBe(`${base}/events`);
  });

  it("keeps a 409's alternatives and current state on the error", async () => {
    const { c } = client(answer(409, { title: "taken", alternatives: ["2026-12-01T19:00:00Z"], current: { id: 7, version: 9 } }));
    const e = await failure(c.moveAppointment(7, { version: 3, start: "2026-12-01T18:00:00Z" }));
    expect(e.status).toBe(409);
    expect(e.problem?.alternatives).toEqual(["2026-12-01T19:00:00Z"]);
    expect(e.problem?.current).toEqual({ id: 7, version: 9 });
  });
});
