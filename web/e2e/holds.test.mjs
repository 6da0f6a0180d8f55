// A time held while the patient fills in details (issue 16), in the browser: choosing a time holds
// it, the details step counts the minutes down (a clock for the eye, a status line for screen
// readers that does not speak every second), another browser is not offered the held time,
// choosing another time releases the first, the booking uses the hold, and a lapsed hold says so
// and offers to pick again.
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

async function directService() {
  return (await json(server.api("/services"))).body.services.find((s) => !s.new_patients_only);
}

/** Opens the booking page with the first named practitioner; returns that practitioner's id. */
async function openBooking(page, service) {
  await page.goto(server.url(`book?service=${service.id}`));
  await page.getByLabel("Practitioner").selectOption({ index: 1 });
  await page.locator("button.slot").first().waitFor();
  return +(await page.getByLabel("Practitioner").inputValue());
}

const liveHolds = () => +server.sql(`SELECT count(*) FROM holds WHERE expires_at > CAST(strftime('%s', 'now') AS INTEGER)`);

describe("held times", { timeout: 180000 }, () => {
  test("the details step counts down; another browser does not see the held time; the booking uses it", async () => {
    const service = await directService();
    const patient = await newPageIn(chrome.browser);
    const { page } = patient;
    await openBooking(page, service);
    const first = page.locator("button.slot").nth(2);
    const start = await first.getAttribute("data-start");
    await first.click();

    // The countdown on the details step: minutes and seconds for the eye, hidden from screen
    // readers; the status line says the whole minutes.
    const clock = page.locator(".hold-clock");
    await clock.waitFor();
    assert.match(await clock.innerText(), /^[67]:\d\d$/);
    assert.equal(await page.locator('.hold [aria-hidden="true"]').count(), 1);
    const spoken = page.locator('.hold [role="status"]');
    assert.match(await spoken.innerText(), /^This time is held for you for 7 more minutes\.$/);
    const before = await clock.innerText();
    await page.waitForFunction((b) => document.querySelector(".hold-clock")?.textContent !== b, before);
    assert.match(await spoken.innerText(), /held for you for [67] more minutes/, "the status line keeps its minute");
    assert.equal(liveHolds(), 1);
    assert.deepEqual(await seriousViolations(page), []);

    // Another patient, in another browser context, is not offered the held time.
    const other = await newPageIn(chrome.browser);
    await openBooking(other.page, service);
    assert.equal(await other.page.locator(`button.slot[data-start="${start}"]`).count(), 0);
    const taken = await json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: service.id, start, practitioner: +(await other.page.getByLabel("Practitioner").inputValue()),
        patient: { given_name: "Other", family_name: "Person", email: "other@example.org", phone: "+14155550199" } }) });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.reason, "taken");

    // Choosing another time releases the first: the other browser is offered it again.
    const second = page.locator("button.slot").nth(4);
    const secondStart = await second.getAttribute("data-start");
    await second.click();
    await page.waitForFunction((s) => document.querySelector('button.slot[aria-pressed="true"]')?.getAttribute("data-start") === s, secondStart);
    await clock.waitFor();
    for (let i = 0; i < 100 && server.sql(`SELECT count(*) FROM holds WHERE start_at = ${Date.parse(start) / 1000}`) !== "0"; ++i) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await other.page.reload();
    await other.page.getByLabel("Practitioner").selectOption({ index: 1 });
    await other.page.locator(`button.slot[data-start="${start}"]`).waitFor();
    assert.equal(await other.page.locator(`button.slot[data-start="${secondStart}"]`).count(), 0);
    assert.equal(liveHolds(), 1);
    await other.close();

    // The booking uses the hold up.
    await page.getByLabel("First name").fill("Hana");
    await page.getByLabel("Last name").fill("Holt");
    await page.getByLabel("Email").fill("hana.holt@example.org");
    await page.getByLabel("Phone").fill("+14155550123");
    await page.getByRole("button", { name: "Book", exact: true }).click();
    await page.getByRole("heading", { name: "You are booked" }).waitFor();
    assert.equal(liveHolds(), 0);
    assert.equal(server.sql(`SELECT count(*) FROM appointments WHERE start_at = ${Date.parse(secondStart) / 1000}`), "1");
    assert.deepEqual(patient.errors, []);
    await patient.close();
  });

  test("a lapsed hold says so and offers to pick a time again", async () => {
    const service = await directService();
    const patient = await newPageIn(chrome.browser);
    const { page } = patient;
    await page.clock.install();
    await openBooking(page, service);
    await page.locator("button.slot").nth(6).click();
    await page.locator(".hold-clock").waitFor();
    await page.clock.fastForward("07:05");
    const lapsed = page.locator(".hold-lapsed[role=alert]");
    await lapsed.waitFor();
    assert.match(await lapsed.innerText(), /hold on this time has ended/);
    assert.deepEqual(await seriousViolations(page), []);
    // Back to the real time (the server's holds follow it), then pick again.
    await page.clock.setSystemTime(new Date());
    await page.getByRole("button", { name: "Pick a time again" }).click();
    assert.equal(await page.locator('button.slot[aria-pressed="true"]').count(), 0);
    assert.equal(await page.locator(".hold").count(), 0);
    // The new pick is held afresh.
    await page.locator("button.slot").nth(7).click();
    await page.locator(".hold-clock").waitFor();
    assert.equal(liveHolds(), 1, "the lapsed pick was released, the new one is held");
    assert.deepEqual(patient.errors, []);
    await patient.close();
  });
});
