// Visit notes in the browser (issue 15): a practitioner opens a visit of their own that followed
// a self-assessment, sees the patient's marks beside an empty findings map, charts two knots and
// a treatment (the draft saves itself), signs, then adds an addendum; the signed note shows no
// way to edit it, the server refuses a change, and axe finds nothing serious on the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const PRACTITIONER = { email: "practitioner@demo.unknot.test", password: "demo-release-the-knots" };
const DESK = { email: "desk@demo.unknot.test", password: "demo-phones-and-calendar" };

let server;
let chrome;
let visit;  // the appointment id of Maya Okafor's visit

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
  // The patient's knot check: the right upper trapezius ridge, pain 6, some sleep lost.
  const assessment = await json(server.api("/assessments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      knots: [{ region: "upper_trapezius_ridge", side: "right", size: "small", pain: 6, duration: "weeks", sleep: "some",
        limits_movement: true, movements: ["turning_head"] }],
      causes: ["desk_hours"], answers: {}, medications: [] }) });
  assert.equal(assessment.status, 201, JSON.stringify(assessment.body));
  // A visit with Dr. Maya Okafor (the demo practitioner account), after that check.
  const maya = (await json(server.api("/practitioners"))).body.practitioners.find((p) => p.slug === "maya-okafor");
  const services = (await json(server.api("/services"))).body.services;
  const from = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
  let booked = null;
  for (const service of services) {
    const days = (await json(server.api(`/availability?service=${service.id}&from=${from}&to=${to}`))).body?.days ?? [];
    const slot = days.flatMap((d) => d.slots).find((s) => s.options.some((o) => o.practitioner === maya.id));
    if (!slot) continue;
    const made = await json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: service.id, start: slot.start, practitioner: maya.id, assessment: assessment.body.id,
        patient: { given_name: "Nina", family_name: "Notes", email: "nina.notes@example.org", phone: "+14155550188" } }) });
    if (made.status === 201) { booked = made.body.appointment; break; }
  }
  assert.ok(booked, "a visit with Maya Okafor was booked");
  visit = booked.id;
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

async function expectAccessible(page, what) {
  assert.deepEqual(await seriousViolations(page), [], `axe: serious/critical violations on ${what}`);
}

async function signIn(page, who) {
  await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A staff API call with the session of `who`. */
async function apiAs(who, path, method = "GET", body) {
  const r = await fetch(server.api("/session"), { method: "POST", headers: { "Content-Type": "application/json", Origin: server.base },
    body: JSON.stringify(who) });
  assert.equal(r.status, 201);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  const csrf = (await r.json()).csrf_token;
  return json(server.api(path), { method, headers: { "Content-Type": "application/json", Origin: server.base,
    Cookie: cookie, "X-CSRF-Token": csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe("visit notes", { timeout: 240000 }, () => {
  test("a practitioner charts two knots and a treatment, signs, then adds an addendum", async () => {
    const { page, errors, close } = await newPageIn(chrome.browser);
    await page.goto(server.url(`staff/visits/${visit}/note`));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await signIn(page, PRACTITIONER);
    await page.waitForURL(new RegExp(`/staff/visits/${visit}/note`));
    await page.getByRole("heading", { level: 1, name: "Visit note: Nina Notes" }).waitFor();

    // Prefilled from the knot check; the patient's mark is listed beside the (empty) findings.
    assert.equal(await page.getByLabel("Pain (0 to 10)", { exact: true }).inputValue(), "6");
    assert.equal(await page.getByLabel("Effect on sleep").inputValue(), "some");
    const marks = page.getByRole("region", { name: "The patient's marks" });
    await marks.getByText("Top of the shoulder (right), pain 6/10").waitFor();
    await page.getByText("No knots charted yet.").waitFor();
    await expectAccessible(page, "a new visit note");

    // Two knots on the findings map.
    const findings = page.getByRole("group", { name: /Knots found/ });
    await findings.getByRole("button", { name: "Top of the shoulder (right)" }).click();
    await findings.getByRole("button", { name: "Flat bone at the base of the spine (sacrum)" }).click();
    await page.getByRole("heading", { name: "Knot 1: Top of the shoulder (right)" }).waitFor();
    await page.getByRole("heading", { name: /^Knot 2: Flat bone/ }).waitFor();
    await page.getByLabel("Size (knot 1)").selectOption("medium");
    await page.getByLabel("Tenderness (knot 1)").selectOption("2");
    const knot1 = page.locator("li.finding").nth(0);
    await knot1.getByLabel("Taut band").check();
    await knot1.getByLabel("Local twitch response").check();
    await knot1.getByLabel("Reproduces the referred pain").check();

    // The treatment and the plan.
    await page.getByLabel("Technique").selectOption("art");
    await page.getByRole("group", { name: "Muscles treated" }).getByLabel("Upper trapezius", { exact: true }).check();
    await page.getByLabel("Minutes").fill("30");
    await page.getByLabel("Pressure").selectOption("firm");
    await page.getByLabel("Pain before treatment (0 to 10)").selectOption("6");
    await page.getByLabel("Pain after treatment (0 to 10)").selectOption("3");
    await page.getByLabel("Assessment and plan").fill("Active trigger point, right upper trapezius. ART weekly for 4 weeks.");

    // Autosaved: "Saved" shows, and the server holds the draft with both knots.
    await page.locator("#save-state", { hasText: /^Saved$/ }).waitFor();
    const draft = await apiAs(PRACTITIONER, `/visits/${visit}/note`);
    assert.equal(draft.status, 200);
    assert.equal(draft.body.note.status, "draft");
    assert.equal(draft.body.note.content.objective.knots.length, 2);
    assert.deepEqual(draft.body.note.content.objective.knots[0],
      { region: "upper_trapezius_ridge", side: "right", size: "medium", tenderness: 2, taut_band: true,
        twitch_response: true, reproduces_referral: true });
    assert.equal(draft.body.note.content.treatment.technique, "art");
    assert.equal(draft.body.note.content.treatment.minutes, 30);
    await expectAccessible(page, "a charted draft");

    // Sign, confirming first.
    await page.getByRole("button", { name: "Sign note…" }).click();
    await page.getByRole("alertdialog", { name: "Sign this note?" }).waitFor();
    await page.getByRole("button", { name: "Sign now" }).click();
    await page.getByRole("heading", { name: "Signed note" }).waitFor();
    await page.getByText("This note is signed and can no longer be changed.").waitFor();
    await page.getByText(/Signed by Dr\. Maya Okafor, DC on/).waitFor();
    // The knots in words, beside the patient's marks.
    await page.getByText("Top of the shoulder (right): medium knot, moderate tenderness (2/3), taut band, local twitch response, reproduces the referred pain").waitFor();
    // Read-only: no field of the note is left to edit.
    assert.equal(await page.getByLabel("Assessment and plan").count(), 0);
    assert.equal(await page.getByLabel("Technique").count(), 0);
    assert.equal(await page.getByRole("button", { name: "Sign note…" }).count(), 0);
    await expectAccessible(page, "a signed note");

    // An addendum.
    await page.getByLabel(/^Addendum/).fill("Patient called the next day: pain 2/10, sleeping better.");
    await page.getByRole("button", { name: "Sign and add addendum" }).click();
    await page.getByRole("status").filter({ hasText: "Addendum 1 signed." }).waitFor();
    await page.getByText("Patient called the next day: pain 2/10, sleeping better.").waitFor();
    await page.getByText(/Addendum 1, signed by Dr\. Maya Okafor, DC/).waitFor();
    await expectAccessible(page, "a signed note with an addendum");

    // The signed content cannot be edited: the server refuses a save over it, and it is unchanged.
    const stored = await apiAs(PRACTITIONER, `/visits/${visit}/note`);
    const over = await apiAs(PRACTITIONER, `/visits/${visit}/note`, "PUT",
      { ...stored.body.note.content, version: stored.body.note.version, assessment_plan: "rewritten" });
    assert.equal(over.status, 409);
    assert.equal(over.body.note.status, "signed");
    const after = await apiAs(PRACTITIONER, `/visits/${visit}/note`);
    assert.equal(after.body.note.content.assessment_plan, "Active trigger point, right upper trapezius. ART weekly for 4 weeks.");
    assert.equal(after.body.note.addenda.length, 1);
    // The front desk never sees it.
    assert.equal((await apiAs(DESK, `/visits/${visit}/note`)).status, 403);
    // Both the note and the addendum are audited.
    const audited = server.sql(`SELECT count(*) FROM audit_log WHERE record = 'visit/${visit}/note' AND action = 'write_clinical_notes'`);
    assert.ok(+audited >= 3, `writes audited: ${audited}`);

    assert.deepEqual(errors, []);
    await close();
  });
});
