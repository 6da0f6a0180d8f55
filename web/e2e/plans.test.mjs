// Treatment plans in the browser (issue 15): the owner composes a plan of weekly ART visits for a
// patient; one of its times is taken meanwhile; the plan's preview shows that conflict with the
// nearest free times BEFORE anything is booked (the API confirms nothing was written); picking an
// alternative and booking books every chosen visit at once; the plan then shows its progress.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const OWNER = { email: "owner@demo.unknot.test", password: "demo-keys-to-the-clinic" };

let server;
let chrome;
let owner;  // { cookie, csrf } of the owner, signed in over the API

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
  const r = await fetch(server.api("/session"), { method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.base }, body: JSON.stringify(OWNER) });
  assert.equal(r.status, 201);
  owner = { cookie: r.headers.get("set-cookie").split(";")[0], csrf: (await r.json()).csrf_token };
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

function asOwner(path, method = "GET", body) {
  return json(server.api(path), { method, headers: { "Content-Type": "application/json",
    Origin: server.base, Cookie: owner.cookie, "X-CSRF-Token": owner.csrf },
  body: body === undefined ? undefined : JSON.stringify(body) });
}

async function expectAccessible(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: serious/critical violations on ${what}`);
}

/** A Tuesday at least 8 days ahead, YYYY-MM-DD (Dr. Okafor works Tuesdays 08:00-17:00). */
function nextTuesday() {
  const d = new Date(Date.now() + 8 * 86400000);
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function bookOnline(service, practitioner, start, email) {
  return json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service, start, practitioner,
      patient: { given_name: email.split("@")[0], family_name: "Plan", email, phone: "+14155550188" } }) });
}

describe("treatment plans", { timeout: 240000 }, () => {
  test("a conflicting visit shows before anything is booked, then the chosen visits book at once", async () => {
    const services = (await json(server.api("/services"))).body.services;
    const art = services.find((s) => s.slug === "art-session");
    const setup = (await asOwner("/setup")).body;
    const maya = setup.practitioners.find((p) => p.slug === "maya-okafor");
    // The patient is on file after an online booking far from the plan's days.
    const first = nextTuesday();
    const early = (await json(server.api(`/availability?service=${art.id}&practitioner=${maya.id}&from=${first}&to=${first}`)))
      .body.days[0].slots[0];
    assert.equal((await bookOnline(art.id, maya.id, early.start, "pia.plan@example.org")).status, 201);
    const patient = (await asOwner("/patients?q=pia.plan")).body.patients[0].id;

    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url(`staff/patients/${patient}/plans/new`));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "New treatment plan" }).waitFor();
    await page.getByLabel("Title (optional)").fill("Neck and upper back");
    await page.getByLabel("Service", { exact: true }).selectOption(String(art.id));
    await page.getByLabel("Practitioner", { exact: true }).selectOption(String(maya.id));
    await page.getByLabel("Every how many weeks").fill("1");
    await page.getByLabel("Visits", { exact: true }).fill("3");
    await page.getByLabel("First date").fill(first);
    await page.getByLabel(/^Time/).fill("10:00");
    await expectAccessible(page, "the new plan form");
    await page.getByRole("button", { name: "Save the plan" }).click();
    await page.waitForURL(/\/staff\/plans\/\d+$/);
    await page.getByRole("heading", { level: 1, name: "Treatment plan: Neck and upper back" }).waitFor();
    const planId = +page.url().split("/").pop();

    // Someone else takes the second visit's time meanwhile.
    const proposed = await asOwner(`/treatment-plans/${planId}/preview`, "POST", {});
    assert.equal(proposed.status, 200);
    assert.equal(proposed.body.free, 3);
    const second = proposed.body.visits[1];
    assert.equal((await bookOnline(art.id, maya.id, second.start, "other.caller@example.org")).status, 201);

    await page.getByRole("button", { name: "Preview the visits" }).click();
    await page.getByText("2 of 3 visits can take their time").waitFor();
    const group = page.getByRole("group", { name: "Visit 2: pick another time" });
    await group.waitFor();
    await page.getByText(/Cannot be booked: this time is taken/).waitFor();
    assert.ok(await group.getByRole("radio").count() >= 2, "alternatives to pick from, and leaving it out");
    assert.equal(await page.getByRole("button", { name: /^Book \d+ visits?$/ }).isDisabled(), true);
    await expectAccessible(page, "the plan's preview with a conflict");
    // Nothing was written by the preview.
    let plan = (await asOwner(`/treatment-plans/${planId}`)).body;
    assert.equal(plan.visits.length, 0);
    assert.equal(plan.progress.booked, 0);

    await group.getByRole("radio").first().check();
    await page.getByRole("button", { name: "Book 3 visits" }).click();
    await page.getByText("Booked 3 visits.").waitFor();
    await page.getByText("0 done, 3 left, 0 missed (3 planned, 3 booked)").waitFor();
    plan = (await asOwner(`/treatment-plans/${planId}`)).body;
    assert.equal(plan.visits.length, 3);
    assert.ok(plan.visits.every((v) => v.status === "booked"));
    assert.ok(!plan.visits.some((v) => v.start === second.start), "not at the taken time");
    await expectAccessible(page, "the plan after booking");

    // The patient's record lists the plan with its progress.
    await page.goto(server.url(`staff/patients/${patient}`));
    await page.getByRole("heading", { name: "Treatment plans" }).waitFor();
    await page.getByRole("link", { name: "Neck and upper back" }).waitFor();
    await close();
  });
});
