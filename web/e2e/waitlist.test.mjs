// The waitlist (issue 16), in the browser: no time suits → join the waitlist from the booking
// page → someone else's appointment is cancelled → the deliverer's waitlist step offers the freed
// time → the offer link shows it and books it; confirming again says the time is gone.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

let server;
let chrome;

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

const post = (path, body, token) => json(server.api(path), {
  method: "POST",
  headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

describe("waitlist", { timeout: 180000 }, () => {
  test("join from the booking page; a cancel elsewhere; the offer link books the freed time", async () => {
    const services = (await json(server.api("/services"))).body.services;
    const service = services.find((s) => !s.new_patients_only);
    // Someone else books the first free time of the service (a weekday morning or afternoon).
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
    const days = (await json(server.api(`/availability?service=${service.id}&from=${today}&to=${later}`))).body.days;
    const slot = days.flatMap((d) => d.slots).find((s) => {
      const hour = +s.local_start.slice(11, 13);
      return hour >= 8 && hour < 20;
    });
    assert.ok(slot, "a free time to book");
    const other = await post("/appointments", { service: service.id, start: slot.start,
      practitioner: slot.options[0].practitioner,
      patient: { given_name: "Bo", family_name: "Lee", email: "bo@example.org", phone: "+14155550143" } });
    assert.equal(other.status, 201, JSON.stringify(other.body));

    // The patient finds no time that suits and joins the waitlist from the booking page.
    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url(`book?service=${service.id}`));
    await page.getByRole("link", { name: "Join the waitlist" }).click();
    await page.getByRole("heading", { name: "Join the waitlist" }).waitFor();
    for (const day of ["Sat", "Sun"]) await page.getByLabel(day).check();
    await page.getByLabel("Evenings (17:00–21:00)").check();
    await page.getByLabel("First name").fill("Ana");
    await page.getByLabel("Last name").fill("Ruiz");
    await page.getByLabel("Email").fill("ana@example.org");
    await page.getByLabel("Phone").fill("(415) 555-0142");
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole("button", { name: "Join the waitlist" }).click();
    await page.getByRole("heading", { name: "You are on the waitlist" }).waitFor();
    assert.equal(server.sql("SELECT count(*) FROM waitlist_entries WHERE status = 'waiting'"), "1");

    // The other patient cancels; the deliverer's waitlist step offers the freed time.
    const cancelled = await post(`/appointments/${other.body.appointment.id}/cancel`, {}, other.body.manage_token);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(server.sql("SELECT count(*) FROM freed_times"), "1");
    server.run(["deliver", "--once", "--smtp", "smtp://127.0.0.1:9", "--mail-from", "bookings@clinic.example"]);
    const link = server.sql("SELECT link_token FROM waitlist_offers WHERE status = 'open'");
    assert.ok(link, "an open offer with its link");
    assert.equal(server.sql("SELECT count(*) FROM outbox WHERE kind = 'waitlist_offer'"), "1");

    // The offer link shows the time and books it.
    await page.goto(server.url(`waitlist/offer#token=${link}`));
    await page.getByRole("heading", { name: "A time has opened up" }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole("button", { name: "Confirm this time" }).click();
    await page.getByRole("heading", { name: "You're booked" }).waitFor();
    assert.equal(server.sql(`SELECT count(*) FROM appointments WHERE status = 'booked' AND start_at = ${Date.parse(slot.start) / 1000}`), "1");
    assert.equal(server.sql("SELECT status FROM waitlist_entries"), "booked");

    // The link again: the time is gone.
    await page.goto(server.url(`waitlist/offer#token=${link}`));
    await page.reload();
    await page.getByRole("heading", { name: "This time is gone" }).waitFor();
    await close();
  });
});
