// Outcome measures in the browser (issue 15), against a real `unknot serve` on the demo clinic:
// the patient books online (for the manage link), the owner makes a weekly treatment plan with the
// demo practitioner and books its three visits, the practitioner records outcomes at them (the
// first two over the API, the third through the record form), the patient record's chart then
// calls out a meaningful change in words, so does the patient's manage page, and the owner's report
// counts the plan (reached at its third visit) without any patient's name. axe finds nothing serious on any of these pages; no CSP violation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const PRACTITIONER = { email: "practitioner@demo.unknot.test", password: "demo-release-the-knots" };
const OWNER = { email: "owner@demo.unknot.test", password: "demo-keys-to-the-clinic" };
const PATIENT = { given_name: "Quinn", family_name: "Progressford", email: "quinn.progress@example.org", phone: "+14155550188" };
const CALLOUT = "pain down 3 points since the first visit: a meaningful change";

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

async function apiSignIn(who) {
  const r = await fetch(server.api("/session"), { method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.base }, body: JSON.stringify(who) });
  assert.equal(r.status, 201);
  return { cookie: r.headers.get("set-cookie").split(";")[0], csrf: (await r.json()).csrf_token };
}

function asStaff(session, path, method = "GET", body) {
  return json(server.api(path), { method, headers: { "Content-Type": "application/json",
    Origin: server.base, Cookie: session.cookie, "X-CSRF-Token": session.csrf },
  body: body === undefined ? undefined : JSON.stringify(body) });
}

async function signIn(page, who) {
  await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The first Tuesday at least 8 days ahead (clear of the online booking's day). */
function nextTuesday() {
  const d = new Date(Date.now() + 8 * 86400000);
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The patient books ART online with the demo practitioner (for the manage link); the owner then
 * makes a weekly plan of three ART visits with her and books them. Returns the online booking, the
 * patient's id and the plan's three appointments in time order.
 */
async function planThreeVisits(owner) {
  const maya = (await json(server.api("/practitioners"))).body.practitioners.find((p) => p.slug === "maya-okafor");
  assert.ok(maya, "the demo clinic has Maya Okafor");
  const art = (await json(server.api("/services"))).body.services.find((s) => s.slug === "art-session");
  assert.ok(art, "the demo clinic offers ART");
  const from = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 6 * 86400000).toISOString().slice(0, 10);
  const days = (await json(server.api(`/availability?service=${art.id}&practitioner=${maya.id}&from=${from}&to=${to}`))).body.days;
  const slot = days.map((d) => d.slots[0]).find(Boolean);
  assert.ok(slot, "a free ART time with Maya Okafor");
  const online = await json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service: art.id, start: slot.start, practitioner: maya.id, patient: PATIENT }) });
  assert.equal(online.status, 201, JSON.stringify(online.body));
  const patient = (await asStaff(owner, "/patients?q=quinn.progress")).body.patients[0].id;

  const plan = await asStaff(owner, `/patients/${patient}/treatment-plans`, "POST", { title: "Neck: ART weekly",
    items: [{ service: art.id, practitioner: maya.id, interval_days: 7, count: 3, first_date: nextTuesday(), time: "10:00" }] });
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  const preview = await asStaff(owner, `/treatment-plans/${plan.body.id}/preview`, "POST", {});
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  const visits = preview.body.visits.map((v) => ({ item: v.item, number: v.number,
    start: v.free ? v.start : v.alternatives[0]?.start }));
  assert.ok(visits.every((v) => v.start), JSON.stringify(preview.body));
  const booked = await asStaff(owner, `/treatment-plans/${plan.body.id}/book`, "POST", { source: "phone", visits });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const appointments = [...booked.body.appointments].sort((a, b) => a.start.localeCompare(b.start));
  return { online: online.body, patient, visits: appointments };
}

const outcome = (version, pain, score) => ({
  version, pain, sleep: "some", movements: ["turning_head"],
  psfs: [{ activity: "sleep on my left side", score }, { activity: "turn my head to reverse the car", score },
    { activity: "deadlift", score }],
});

describe("outcome measures", { timeout: 240000 }, () => {
  test("three visits of a plan show a meaningful change in words, for staff and the patient; the owner's report counts the plan and names no one", async () => {
    const ownerApi = await apiSignIn(OWNER);
    const { online, patient: patientId, visits: [first, second, third] } = await planThreeVisits(ownerApi);
    const maya = await apiSignIn(PRACTITIONER);
    const one = await asStaff(maya, `/visits/${first.id}/outcomes`, "PUT", outcome(0, 7, 2));
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.equal((await asStaff(maya, `/visits/${second.id}/outcomes`, "PUT", outcome(0, 6, 3))).status, 200);
    // Refused with the field named, nothing stored.
    const bad = await asStaff(maya, `/visits/${third.id}/outcomes`, "PUT", { ...outcome(0, 4, 5), psfs: [...outcome(0, 4, 5).psfs.slice(0, 2), { activity: "deadlift", score: 11 }] });
    assert.equal(bad.status, 400);
    assert.ok(JSON.stringify(bad.body).includes("psfs[2].score"), JSON.stringify(bad.body));

    // The third visit through the record form: the activities come prefilled from the last visit.
    const { page, close } = await newPageIn(chrome.browser);
    await page.goto(server.url(`staff/visits/${third.id}/outcomes`));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await signIn(page, PRACTITIONER);
    await page.getByRole("heading", { level: 1, name: "Visit outcomes" }).waitFor();
    assert.equal(await page.getByLabel("Activity 2", { exact: true }).inputValue(), "turn my head to reverse the car");
    await page.getByLabel("Pain now (0 none – 10 worst imaginable)").fill("4");
    for (const i of [1, 2, 3]) await page.getByLabel(`Activity ${i} score (0–10)`).fill("5");
    // A score out of range is named in the summary first.
    await page.getByLabel("Activity 3 score (0–10)").fill("12");
    await page.getByRole("button", { name: "Save outcomes" }).click();
    await page.getByRole("alert").getByText("Activity 3 score").waitFor();
    await page.getByLabel("Activity 3 score (0–10)").fill("5");
    await page.getByRole("button", { name: "Save outcomes" }).click();
    await page.getByText("Outcomes saved.").waitFor();
    await expectAccessible(page, "the visit outcome form");

    // The patient record's chart: three points per line and the callout in words.
    const patient = (await asStaff(maya, `/visits/${third.id}/outcomes`)).body.appointment.patient_id;
    assert.equal(patient, patientId);
    await page.goto(server.url(`staff/patients/${patient}`));
    await page.getByRole("heading", { level: 2, name: "Outcomes" }).waitFor();
    const section = page.locator("section.outcomes");
    await section.locator('[data-callout="meaningful"]', { hasText: CALLOUT }).waitFor();
    assert.equal(await section.locator('[data-line="pain"] circle').count(), 3);
    assert.deepEqual(await section.locator('[data-line="pain"] circle').evaluateAll((cs) => cs.map((c) => c.dataset.value)), ["7", "6", "4"]);
    assert.match(await section.locator('[data-line="pain"] circle title').nth(2).textContent(), /^Visit 3, .*: pain 4$/);
    assert.equal(await section.locator("table[data-outcome-table] tbody tr").count(), 3);
    await expectAccessible(page, "the patient record with its outcome chart");
    await close();

    // The patient's manage page: the same chart and words, by the manage link.
    const patientPage = await newPageIn(chrome.browser);
    await patientPage.page.goto(server.base + online.manage_url);
    await patientPage.page.getByRole("heading", { name: "Your progress" }).waitFor();
    await patientPage.page.locator('[data-callout="meaningful"]', { hasText: CALLOUT }).waitFor();
    assert.equal(await patientPage.page.locator('[data-line="psfs"] circle').count(), 3);
    await expectAccessible(patientPage.page, "the manage page with the patient's progress");
    await patientPage.close();

    // The owner's report: the plan counted per service and practitioner, no patient anywhere.
    const owner = await newPageIn(chrome.browser);
    await owner.page.goto(server.url("staff/outcomes/report"));
    await owner.page.waitForURL(/\/staff\/sign-in\?next=/);
    await signIn(owner.page, OWNER);
    await owner.page.getByRole("heading", { level: 1, name: "Outcome report" }).waitFor();
    await owner.page.getByRole("link", { name: "Outcome report" }).waitFor();
    const practitioners = owner.page.locator('table[data-report="Practitioner"]');
    await practitioners.getByRole("rowheader", { name: "Dr. Maya Okafor, DC" }).waitFor();
    await owner.page.getByText(/^1 of 1 treatment plan with two or more visits reached a meaningful change, at a median of 3 visits\.$/).waitFor();
    const row = practitioners.getByRole("row", { name: /Dr\. Maya Okafor, DC/ });
    assert.deepEqual(await row.locator("td").allInnerTexts(), ["1", "1", "1", "3", "1 by visit 3", "0"]);
    const art = owner.page.locator('table[data-report="Service"]').getByRole("row", { name: /Active Release/ });
    assert.equal(await art.locator("td").first().innerText(), "1");
    const text = await owner.page.locator("main").innerText();
    for (const word of [PATIENT.given_name, PATIENT.family_name, PATIENT.email]) {
      assert.ok(!text.includes(word), `the report shows ${word}`);
    }
    await expectAccessible(owner.page, "the outcome report");
    await owner.close();

    // The front desk has neither the nav item nor the data.
    const desk = await apiSignIn({ email: "desk@demo.unknot.test", password: "demo-phones-and-calendar" });
    assert.equal((await asStaff(desk, "/outcome-report")).status, 403);
    assert.equal((await asStaff(desk, `/patients/${patient}/outcomes`)).status, 403);
  });
});
