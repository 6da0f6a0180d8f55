// Browser tests of the front desk's calendar (/c/{clinic}/staff/calendar, issue 14) against a real
// `unknot serve` on the demo clinic (harness.mjs), signed in as the demo front desk.
//
// What they prove: the front desk books a caller who has no email; dragging an appointment onto a
// taken time is refused, the event snaps back and the message names the server's alternatives;
// with two browser contexts, a patient's online booking appears on the open calendar within 2 s
// (server-sent events); axe finds nothing serious on the calendar, the booking dialog and the
// details panel; on a 360 px phone the page never scrolls sideways; no CSP violation anywhere.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const DESK = { email: "desk@demo.unknot.test", password: "demo-phones-and-calendar" };

let server;
let chrome;

before(async () => {
  server = await startServer({ prepare: (run) => run(["demo"]) });
  chrome = await startBrowser();
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

async function expectAccessible(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: serious/critical violations on ${what}`);
}

async function expectNoSidewaysScroll(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${what} scrolls sideways by ${wide} px`);
}

async function signIn(page, who = DESK) {
  await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in on `page` and opens the calendar on the clinic day `day`; waits for the grid and the live stream. */
async function openCalendar(page, day) {
  await page.goto(server.url(`staff/calendar?date=${day}`));
  await page.waitForURL(/\/staff\/sign-in\?next=/);
  await signIn(page);
  await page.waitForURL(/\/staff\/calendar\?date=/);
  await page.getByRole("heading", { level: 1, name: "Calendar" }).waitFor();
  await page.locator(".cal-grid .ec").waitFor();
  await page.getByText("Live", { exact: true }).waitFor({ timeout: 10000 });
}

/** A service patients may book online without an assessment, and its open slots 2 to 14 days out. */
async function openSlots() {
  const services = (await json(server.api("/services"))).body.services;
  const service = services.find((s) => !s.new_patients_only);
  assert.ok(service, "the demo clinic has a service patients book directly");
  const from = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
  const avail = await json(server.api(`/availability?service=${service.id}&from=${from}&to=${to}`));
  assert.equal(avail.status, 200);
  return { service, days: avail.body.days.filter((d) => d.slots.length > 0) };
}

/**
 * Two slots on one day with one practitioner that do not overlap: { day, practitioner, first, second }.
 * `skip` days are passed over (each test takes a day of its own).
 */
function twoSlotsOneDay(days, skip = 0) {
  let seen = 0;
  for (const d of days) {
    const byPractitioner = new Map();
    for (const s of d.slots) for (const o of s.options) {
      if (!byPractitioner.has(o.practitioner)) byPractitioner.set(o.practitioner, []);
      byPractitioner.get(o.practitioner).push(s);
    }
    for (const [practitioner, slots] of byPractitioner) {
      const first = slots[0];
      const second = slots.find((s) => Date.parse(s.start) >= Date.parse(first.end) + 60 * 60000);
      if (second) {
        if (seen++ < skip) break;
        return { day: d.date, practitioner, first, second };
      }
    }
  }
  throw new Error("no day with two separate slots for one practitioner");
}

function bookOverApi(body) {
  return json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
}

describe("front desk calendar", { timeout: 300000 }, () => {
  test("books a caller who has no email, by phone", async () => {
    const { service, days } = await openSlots();
    const { day, practitioner } = twoSlotsOneDay(days, 0);
    const { page, errors, close } = await newPageIn(chrome.browser);
    await openCalendar(page, day);
    await expectAccessible(page, "calendar (day, practitioners)");

    await page.getByRole("button", { name: "Book a caller" }).click();
    const dialog = page.getByRole("dialog", { name: "Book a caller" });
    await dialog.waitFor();
    // Nothing chosen: the errors are named beside their fields and the summary has the focus.
    await dialog.getByRole("button", { name: "Book", exact: true }).click();
    await dialog.getByText("Please fix these fields").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.className), "error-summary");
    await expectAccessible(page, "book a caller, with errors");

    await dialog.getByLabel("New patient").check();
    await dialog.getByLabel("Given name").fill("Nora");
    await dialog.getByLabel("Family name").fill("Noemail");
    await dialog.getByLabel("Phone number").fill("+14155550177");
    // Email left empty: a phone booking may have none.
    await dialog.getByLabel("Service").selectOption(String(service.id));
    await dialog.getByLabel("Practitioner").selectOption(String(practitioner));
    await dialog.getByLabel("Day").fill(day);
    const time = dialog.getByLabel("Time", { exact: true });
    await page.waitForFunction((el) => el.options.length > 1 && el.options[1].value !== "", await time.elementHandle());
    await time.selectOption({ index: 1 });
    await dialog.getByLabel("Phone", { exact: true }).check();
    await expectAccessible(page, "book a caller, filled in");
    await dialog.getByRole("button", { name: "Book", exact: true }).click();

    await page.getByText(/^Booked Nora Noemail: /).waitFor();
    await page.locator(".cal-grid .ec-event", { hasText: "Nora Noemail" }).waitFor();
    // The new appointment's details: booked by phone.
    const details = page.getByRole("region", { name: /^Nora Noemail: / });
    await details.waitFor();
    assert.match(await details.innerText(), /Booked by\s+Phone/);
    assert.match(await details.innerText(), /Status\s+Booked/);
    await expectAccessible(page, "calendar with the details panel");

    // Stored without an email.
    assert.equal(server.sql("SELECT count(*) FROM patients WHERE given_name = 'Nora' AND family_name = 'Noemail'"), "1");
    assert.equal(server.sql("SELECT count(*) FROM patients WHERE given_name = 'Nora' AND family_name = 'Noemail' " +
      "AND coalesce(email, '') = ''"), "1", "the caller's patient row has no email");
    assert.deepEqual(errors, []);
    await close();
  });

  test("a drag onto a taken time is refused, snaps back and offers the alternatives", async () => {
    const { service, days } = await openSlots();
    const { day, practitioner, first, second } = twoSlotsOneDay(days, 1);
    const a = await bookOverApi({ service: service.id, start: first.start, practitioner,
      patient: { given_name: "Drag", family_name: "Mover", email: "drag.mover@example.org", phone: "+14155550181" } });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await bookOverApi({ service: service.id, start: second.start, practitioner,
      patient: { given_name: "Sits", family_name: "Tight", email: "sits.tight@example.org", phone: "+14155550182" } });
    assert.equal(b.status, 201, JSON.stringify(b.body));

    // Tall enough that both appointments are on screen at once (the pointer drags between them).
    const { page, errors, close } = await newPageIn(chrome.browser, { width: 1280, height: 1600 });
    await openCalendar(page, day);
    const mover = page.locator(".cal-grid .ec-event", { hasText: "Drag Mover" });
    const sitter = page.locator(".cal-grid .ec-event", { hasText: "Sits Tight" });
    await mover.waitFor();
    await sitter.waitFor();
    const before = await mover.innerText();
    // The mover at the top of the grid's scrolling box, the box at the top of the page.
    await page.locator(".cal-scroll").evaluate((el) => el.scrollIntoView({ block: "start" }));
    await mover.evaluate((el) => {
      // Whichever scrolls: the page's box around the grid, or the grid's own body.
      const scroller = [...document.querySelectorAll(".cal-scroll, .cal-grid .ec-body")]
        .find((s) => s.scrollHeight > s.clientHeight + 1);
      if (scroller) scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 40;
    });

    // Drag by the pointer: down on the mover's first slot, up on the sitter's first slot.
    const from = await mover.boundingBox();
    const to = await sitter.boundingBox();
    const height = page.viewportSize().height;
    assert.ok(from.y > 0 && to.y + 10 < height, `both appointments on screen (${from.y}, ${to.y} of ${height})`);
    const patches = [];
    page.on("request", (r) => { if (r.method() === "PATCH") patches.push(JSON.parse(r.postData() ?? "{}")); });
    await page.mouse.move(from.x + from.width / 2, from.y + 4);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y + 30, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + 4, { steps: 15 });
    await page.mouse.up();

    const alert = page.getByRole("alert").filter({ hasText: "That time is taken" });
    await alert.waitFor();
    assert.equal(patches.length, 1, "one PATCH");
    assert.equal(typeof patches[0].version, "number", "the PATCH sends the version the desk saw");
    assert.equal(Date.parse(patches[0].start), Date.parse(second.start), "onto the taken time");
    // The server's alternatives are named (and offered as buttons), or it says there are none.
    const said = await alert.innerText();
    assert.match(said, /Free times nearby: .+|There is no free time nearby/);
    if (/Free times nearby/.test(said)) assert.ok(await alert.getByRole("button", { name: /^Move to / }).count() > 0);
    // The event is back where it was.
    await page.waitForTimeout(300);
    assert.equal(await mover.innerText(), before, "the event snapped back");
    const stored = await json(server.api(`/appointments/${a.body.appointment.id}`),
      { headers: { Authorization: `Bearer ${a.body.manage_token}` } });
    assert.equal(stored.body.appointment.start, a.body.appointment.start, "not moved on the server");
    await expectAccessible(page, "calendar with a refused move");

    // Cancel it from its details, with a reason: it leaves the grid.
    await mover.click();
    const details = page.getByRole("region", { name: /^Drag Mover: / });
    await details.waitFor();
    await details.getByRole("button", { name: "Cancel appointment" }).click();
    await details.getByText("Say why it is cancelled.").waitFor();
    await details.getByLabel("Reason for cancelling").fill("Caller is away that week");
    await details.getByRole("button", { name: "Cancel appointment" }).click();
    await page.getByText(/^Cancelled Drag Mover's /).waitFor();
    await mover.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await close();
  });

  test("a patient's online booking shows on the open calendar within 2 s", async () => {
    const { service, days } = await openSlots();
    const { day, practitioner, first } = twoSlotsOneDay(days, 2);
    const desk = await newPageIn(chrome.browser);
    await openCalendar(desk.page, day);

    // Another browser, another person: the patient books from the clinic's own pages.
    const patient = await newPageIn(chrome.browser, { width: 390, height: 844 });
    await patient.page.goto(server.url());
    await patient.page.getByRole("link", { name: "Book an appointment" }).waitFor();
    const booked = await patient.page.evaluate(async ({ api, body }) => {
      const r = await fetch(api, { method: "POST", headers: { "Content-Type": "application/json",
        "Idempotency-Key": crypto.randomUUID() }, body: JSON.stringify(body) });
      return r.status;
    }, { api: server.api("/appointments"), body: { service: service.id, start: first.start, practitioner,
      patient: { given_name: "Online", family_name: "Live", email: "online.live@example.org", phone: "+14155550183" } } });
    assert.equal(booked, 201);
    const t0 = Date.now();
    await desk.page.locator(".cal-grid .ec-event", { hasText: "Online Live" }).waitFor({ timeout: 2000 });
    const took = Date.now() - t0;
    assert.ok(took <= 2000, `shown after ${took} ms`);

    // The phone-sized desk: the grid scrolls in its own box, the page never sideways.
    await desk.page.setViewportSize({ width: 360, height: 780 });
    await desk.page.getByRole("button", { name: "Week" }).click();
    await desk.page.getByRole("button", { name: "Rooms" }).click();
    await desk.page.locator(".cal-grid .ec-event", { hasText: "Online Live" }).waitFor();
    await expectNoSidewaysScroll(desk.page, "calendar week by room at 360 px");
    await expectAccessible(desk.page, "calendar week by room on a phone");
    assert.deepEqual(desk.errors, []);
    assert.deepEqual(patient.errors, []);
    await patient.close();
    await desk.close();
  });
  test("the appointment's self-assessment shows its knots on the body map", async () => {
    const check = await json(server.api("/assessments"), { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ knots: [{ region: "upper_trapezius_ridge", side: "left", pain: 6, duration: "weeks" }],
        causes: ["desk_hours", "posture"], answers: { visited_before: "yes", assessed_before: "yes" }, age_band: "18_44" }) });
    assert.equal(check.status, 201, JSON.stringify(check.body));
    const { service, days } = await openSlots();
    const { day, practitioner, first } = twoSlotsOneDay(days, 3);
    const made = await bookOverApi({ service: service.id, start: first.start, practitioner, assessment: check.body.id,
      patient: { given_name: "Map", family_name: "Marked", email: "map.marked@example.org", phone: "+14155550184" } });
    assert.equal(made.status, 201, JSON.stringify(made.body));

    const { page, errors, close } = await newPageIn(chrome.browser);
    await openCalendar(page, day);
    await page.locator(".cal-grid .ec-event", { hasText: "Map Marked" }).click();
    const details = page.getByRole("region", { name: /^Map Marked: / });
    await details.waitFor();
    const figure = details.locator("figure.assessment-map");
    await figure.waitFor();
    // The picture: the marked place highlighted on the map; its text equivalent: the list.
    await figure.locator(".body-map [data-region='upper_trapezius_ridge'][data-side='left'].tp").first().waitFor();
    assert.match(await figure.locator("figcaption").innerText(), /Where the patient marked knots:[\s\S]*\(left\), pain 6\/10/);
    await expectAccessible(page, "calendar appointment with its knot check");
    assert.deepEqual(errors, []);
    await close();
  });
});
