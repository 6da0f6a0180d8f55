// Per-patient booking rules in the browser (issue 14): a request that needs the clinic's approval
// is held, shown as waiting on the manage page, approved by the front desk, then shown as booked;
// a blocked patient's online attempt is refused with the clinic's phone number.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CLINIC, json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const DESK = { email: "frontdesk@example.org", password: "phones ring and the book fills 42" };

let server;
let chrome;
let staff;  // { cookie, csrf } of the front desk, signed in over the API

before(async () => {
  server = await startServer({
    prepare: (run) => {
      run(["demo"]);
      run(["user", "add", "--clinic", CLINIC, "--role", "front_desk", "--email", DESK.email],
        `${DESK.password}\n${DESK.password}\n`);
    },
  });
  chrome = await startBrowser();
  const r = await fetch(server.api("/session"), { method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.base },
    body: JSON.stringify(DESK) });
  assert.equal(r.status, 201);
  staff = { cookie: r.headers.get("set-cookie").split(";")[0], csrf: (await r.json()).csrf_token };
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

/** A staff API call as the front desk's browser makes it. */
function asDesk(path, method = "GET", body) {
  return json(server.api(path), { method, headers: { "Content-Type": "application/json",
    Origin: server.base, Cookie: staff.cookie, "X-CSRF-Token": staff.csrf },
  body: body === undefined ? undefined : JSON.stringify(body) });
}

async function freeSlots(daysAhead) {
  const services = (await json(server.api("/services"))).body.services;
  const service = services.find((s) => !s.new_patients_only);
  const from = new Date(Date.now() + daysAhead * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + (daysAhead + 9) * 86400000).toISOString().slice(0, 10);
  const days = (await json(server.api(`/availability?service=${service.id}&from=${from}&to=${to}`))).body.days;
  // The first free start of each day: bookings on different days never overlap.
  return { service, slots: days.map((d) => d.slots[0]).filter(Boolean) };
}

function book(service, slot, email) {
  return json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service: service.id, start: slot.start, practitioner: slot.options[0].practitioner,
      patient: { given_name: "Rae", family_name: "Rules", email, phone: "+14155550177" } }) });
}

/** The patient with this email, as staff search finds them. */
async function patientId(email) {
  const found = await asDesk(`/patients?q=${encodeURIComponent(email)}`);
  assert.equal(found.status, 200);
  return found.body.patients[0].id;
}

describe("booking rules", { timeout: 180000 }, () => {
  test("an approve-first request is held, approved, then shown as booked on the manage page", async () => {
    const { service, slots } = await freeSlots(3);
    const email = "rae.rules@example.org";
    assert.equal((await book(service, slots[0], email)).status, 201);  // on file now
    const id = await patientId(email);
    const set = await asDesk(`/patients/${id}/booking-rules`, "PUT",
      { online_booking: "requires_approval", assessment_first: false });
    assert.equal(set.status, 200);

    const made = await book(service, slots[1], email);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.appointment.status, "requested");
    // Held: nobody else can take the practitioner's time.
    assert.equal((await book(service, slots[1], "someone.else@example.org")).status, 409);

    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.base + made.body.manage_url);
    await page.getByText("This booking is waiting for the clinic's approval.").waitFor();
    assert.equal(await page.locator("dd.status").innerText(), "Waiting for the clinic's approval");

    const requests = await asDesk("/calendar/requests");
    const request = requests.body.requests.find((r) => r.appointment.id === made.body.appointment.id);
    assert.ok(request, "the request is in the list to approve");
    const approved = await asDesk(`/calendar/appointments/${request.appointment.id}/approve`, "POST",
      { version: request.appointment.version });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.appointment.status, "booked");

    await page.reload();
    await page.getByRole("heading", { name: "Your appointment" }).waitFor();
    await page.locator("dd.status", { hasText: "Booked" }).waitFor();
    assert.equal(await page.getByText("waiting for the clinic's approval").count(), 0);
    await close();
  });

  test("the desk blocks a patient on the record; their online attempt is refused with the phone number", async () => {
    const { service, slots } = await freeSlots(5);
    const email = "bo.blocked@example.org";
    assert.equal((await book(service, slots[0], email)).status, 201);
    const id = await patientId(email);
    const clinic = (await json(server.api(""))).body;

    // The front desk sets the rule on the patient's record, in the browser.
    const desk = await newPageIn(chrome.browser);
    await desk.page.goto(server.url(`staff/patients/${id}`));
    await desk.page.waitForURL(/\/staff\/sign-in\?next=/);
    await desk.page.getByLabel("Email").fill(DESK.email);
    await desk.page.getByLabel("Password").fill(DESK.password);
    await desk.page.getByRole("button", { name: "Sign in" }).click();
    await desk.page.getByRole("heading", { level: 2, name: "Online booking" }).waitFor();
    await desk.page.getByText("0 no-shows in the last 12 months").waitFor();
    await desk.page.getByRole("combobox", { name: "Online booking" }).selectOption("blocked");
    // Saving reloads the record (the rule, the no-shows); the confirmation must outlive that reload,
    // which once re-created the section and dropped it before anyone could read it.
    const reloaded = desk.page.waitForResponse((r) => r.request().method() === "GET"
      && new URL(r.url()).pathname.endsWith(`/patients/${id}`));
    await desk.page.getByRole("button", { name: "Save booking rules" }).click();
    await desk.page.getByText("Booking rules saved.").waitFor();
    await (await reloaded).finished();
    await desk.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    assert.ok(await desk.page.getByText("Booking rules saved.").isVisible(), "the confirmation is still shown");
    assert.equal(await desk.page.getByRole("combobox", { name: "Online booking" }).inputValue(), "blocked");
    assert.deepEqual(await seriousViolations(desk.page), [], "axe: the patient record");
    assert.equal((await asDesk(`/patients/${id}`)).body.booking_rules.online_booking, "blocked");
    await desk.close();

    // The patient tries to book online, in the browser: refused kindly, with the number to call.
    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url(`book?service=${service.id}`));
    await page.locator("button.slot").nth(3).click();
    await page.getByLabel("First name").fill("Bo");
    await page.getByLabel("Last name").fill("Blocked");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Phone").fill("+14155550177");
    await page.getByRole("button", { name: "Book", exact: true }).click();
    const alert = page.locator(".error[role=alert]");
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /call the clinic/);
    assert.ok(text.includes(clinic.phone), text);
    await close();
    // Nothing was written: the patient still has the one appointment made before the rule.
    assert.equal((await asDesk(`/patients/${id}`)).body.appointments.length, 1);
    const refused = await book(service, slots[1], email);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
  });
});
