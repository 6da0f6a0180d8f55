// Patient messages, staff side, in the browser (issue 16), against a real `unknot serve` on the
// demo clinic: the owner sets reminder hours and hold minutes (a value out of range is named and
// nothing is saved), writes the clinic's own reminder wording, previews it for a sample visit and
// saves it, then goes back to the built-in wording; the front desk sees the undelivered-messages
// page (empty) and the set-up read-only. axe finds nothing serious; no CSP violation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const OWNER = { email: "owner@demo.unknot.test", password: "demo-keys-to-the-clinic" };
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

async function apiSignIn(who) {
  const r = await fetch(server.api("/session"), { method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.base }, body: JSON.stringify(who) });
  assert.equal(r.status, 201);
  return { cookie: r.headers.get("set-cookie").split(";")[0], csrf: (await r.json()).csrf_token };
}

function asStaff(session, path) {
  return json(server.api(path), { headers: { Origin: server.base, Cookie: session.cookie } });
}

async function signIn(page, who) {
  await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("patient messages, staff side", { timeout: 240000 }, () => {
  test("the owner sets reminders and holds, and writes, previews, saves and drops the clinic's own reminder wording", async () => {
    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url("staff/setup/messages"));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await signIn(page, OWNER);
    await page.getByRole("heading", { level: 1, name: "Patient messages" }).waitFor();
    const hours = page.getByLabel("Reminder before the visit (hours)");
    await hours.waitFor();
    assert.equal(await hours.inputValue(), "24");
    assert.equal(await page.getByLabel("Hold a chosen time for (minutes)").inputValue(), "7");

    // Out of range: named in the summary, nothing saved.
    await hours.fill("48");
    await page.getByLabel("Hold a chosen time for (minutes)").fill("90");
    await page.getByRole("button", { name: "Save message settings" }).click();
    await page.getByRole("alert").getByText("Hold a chosen time for (minutes)").waitFor();
    const owner = await apiSignIn(OWNER);
    assert.equal((await asStaff(owner, "/setup/messages")).body.reminder_hours, 24);
    await page.getByLabel("Hold a chosen time for (minutes)").fill("10");
    assert.equal(await page.getByLabel("Waitlist offers at once").inputValue(), "1");
    await page.getByLabel("Waitlist offers at once").fill("2");
    await page.getByRole("button", { name: "Save message settings" }).click();
    await page.getByText("Message settings saved.").waitFor();
    const settings = (await asStaff(owner, "/setup/messages")).body;
    assert.equal(settings.reminder_hours, 48);
    assert.equal(settings.hold_minutes, 10);
    assert.equal(settings.waitlist_offers_at_once, 2);
    assert.equal(settings.waitlist_offer_minutes, 15);

    // The reminder's wording: an unknown placeholder is caught before anything is sent.
    await page.getByText("Reminder before the visit — built-in wording").click();
    const reminder = page.getByRole("form", { name: "Wording of the reminder before the visit" });
    const subject = reminder.getByLabel("E-mail subject");
    await subject.fill("See you soon, {{given_nam}}");
    await reminder.getByRole("button", { name: "Preview" }).click();
    await reminder.getByRole("alert").getByText("Unknown placeholder {{given_nam}}").waitFor();
    await subject.fill("See you soon, {{given_name}}");
    await reminder.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: "Preview of the reminder before the visit" });
    await preview.getByText("Subject: See you soon, Alex").waitFor();
    assert.match(await preview.innerText(), /SMS \(\d+ characters\)/);
    assert.deepEqual(await seriousViolations(page), [], "axe: the patient messages set-up");
    await reminder.getByRole("button", { name: "Save wording" }).click();
    await reminder.getByText("now uses your wording").waitFor();
    let templates = (await asStaff(owner, "/setup/messages/templates")).body.templates;
    assert.equal(templates.find((t) => t.kind === "reminder").own.subject, "See you soon, {{given_name}}");
    await page.getByText("Reminder before the visit — the clinic's own wording").waitFor();

    await reminder.getByRole("button", { name: "Use the built-in wording" }).click();
    await reminder.getByText("Back to the built-in wording.").waitFor();
    templates = (await asStaff(owner, "/setup/messages/templates")).body.templates;
    assert.equal(templates.find((t) => t.kind === "reminder").own, null);
    assert.notEqual(await subject.inputValue(), "See you soon, {{given_name}}");
    await close();
  });

  test("the front desk sees the undelivered messages and reads the set-up without changing it", async () => {
    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url("staff/messages"));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await signIn(page, DESK);
    await page.getByRole("heading", { level: 1, name: "Undelivered messages" }).waitFor();
    await page.getByText("No undelivered messages.").waitFor();
    assert.equal(await page.getByRole("navigation").getByRole("link", { name: "Undelivered messages" }).count(), 1);
    assert.deepEqual(await seriousViolations(page), [], "axe: the undelivered messages page");

    await page.goto(server.url("staff/setup/messages"));
    await page.getByRole("heading", { level: 1, name: "Patient messages" }).waitFor();
    await page.getByText("Your role can see the clinic's set-up but not change it.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Save message settings" }).count(), 0);
    assert.ok(await page.getByLabel("Reminder before the visit (hours)").isDisabled());
    await close();
  });
});
