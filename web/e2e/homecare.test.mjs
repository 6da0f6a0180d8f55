// Home care in the browser (issue 15): the demo practitioner assigns a program on a patient's
// record, the patient ticks a routine done today on their manage page (the link of a booked
// appointment), and the practitioner sees that day in the record's adherence. axe-clean pages.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const PRACTITIONER = { email: "practitioner@demo.unknot.test", password: "demo-release-the-knots" };

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

/** Books the first free time of Dr. Okafor (the demo practitioner) a few days out. */
async function bookWithMaya(email) {
  const maya = (await json(server.api("/practitioners"))).body.practitioners.find((p) => p.slug === "maya-okafor");
  const services = (await json(server.api("/services"))).body.services
    .filter((s) => !s.new_patients_only && s.allowed_roles.includes(maya.role));
  const from = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 12 * 86400000).toISOString().slice(0, 10);
  let service;
  let slot;
  for (service of services) {
    const days = (await json(server.api(`/availability?service=${service.id}&from=${from}&to=${to}&practitioner=${maya.id}`))).body.days ?? [];
    slot = days.map((d) => d.slots[0]).find(Boolean);
    if (slot) break;
  }
  assert.ok(slot, "a free time with Dr. Okafor for a service patients book directly");
  const made = await json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service: service.id, start: slot.start, practitioner: maya.id,
      patient: { given_name: "Hana", family_name: "Homecare", email, phone: "+14155550188" } }) });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
}

/** The patient's id, as the practitioner's own search finds them. */
async function patientId(email) {
  const r = await fetch(server.api("/session"), { method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.base }, body: JSON.stringify(PRACTITIONER) });
  assert.equal(r.status, 201);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  const found = await json(server.api(`/patients?q=${encodeURIComponent(email)}`), { headers: { Cookie: cookie } });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  return found.body.patients[0].id;
}

describe("home care", { timeout: 240000 }, () => {
  test("the practitioner assigns, the patient marks a day, the practitioner sees it", async () => {
    const email = "hana.homecare@example.org";
    const booked = await bookWithMaya(email);
    const id = await patientId(email);

    // The practitioner, on the patient's record.
    const staff = await newPageIn(chrome.browser);
    const sp = staff.page;
    await sp.goto(server.url(`staff/patients/${id}`));
    await sp.waitForURL(/\/staff\/sign-in\?next=/);
    await sp.getByRole("heading", { name: "Staff sign-in" }).waitFor();
    await sp.getByLabel("Email").fill(PRACTITIONER.email);
    await sp.getByLabel("Password").fill(PRACTITIONER.password);
    await sp.getByRole("button", { name: "Sign in" }).click();
    await sp.getByRole("heading", { level: 1, name: "Hana Homecare" }).waitFor();
    await sp.getByRole("heading", { level: 2, name: "Home care" }).waitFor();
    await sp.getByText("No home care has been assigned yet.").waitFor();
    await sp.getByRole("button", { name: "Assign home care" }).click();
    await sp.getByLabel("Muscle", { exact: true }).selectOption("upper_trapezius");
    await sp.getByLabel("Routine", { exact: true }).selectOption("upper_trapezius_ball");
    await sp.getByRole("button", { name: "Add routine" }).click();
    // Out of range first: the form names the field and nothing is saved.
    await sp.getByLabel(/Seconds per set/).fill("200");
    await sp.getByRole("button", { name: "Save home care" }).click();
    await sp.getByRole("alert").filter({ hasText: "Please fix these fields" }).waitFor();
    await sp.getByLabel(/Seconds per set/).fill("60");
    await sp.getByLabel(/Days a week/).fill("7");
    await sp.getByLabel("Note for the patient (optional)").fill("Before bed is a good time.");
    await expectAccessible(sp, "the home-care form");
    await sp.getByRole("button", { name: "Save home care" }).click();
    const row = sp.locator("tr[data-routine=upper_trapezius_ball]");
    await row.waitFor();
    assert.match(await row.innerText(), /60 s × 2, every day/);
    await expectAccessible(sp, "the patient record with home care");

    // The patient, on the manage page of the booked appointment.
    const patient = await newPageIn(chrome.browser);
    const pp = patient.page;
    await pp.goto(server.base + booked.manage_url);
    await pp.getByRole("heading", { name: "Your home-care program" }).waitFor();
    await pp.getByText("Before bed is a good time.").waitFor();
    await pp.getByRole("heading", { name: "Massage ball for the upper trapezius" }).waitFor();
    await pp.getByText("Hold each tender spot for 60 seconds.").waitFor();
    const today = pp.locator("fieldset.home-care-day").first();
    assert.match(await today.locator("legend").innerText(), /^Today/);
    const date = await today.getAttribute("data-date");
    await today.getByLabel("Massage ball for the upper trapezius").check();
    await pp.getByRole("status").filter({ hasText: "Saved for today." }).waitFor();
    await expectAccessible(pp, "the manage page with home care");
    assert.deepEqual(patient.errors, []);
    await patient.close();

    // Back on the record: today is marked.
    await sp.reload();
    await sp.getByRole("heading", { level: 2, name: "Home care" }).waitFor();
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${date}: done`));
    assert.match(await row.innerText(), /done on 1 of 1 prescribed day/);
    await sp.locator("[data-adherence]").filter({ hasText: "Over the last 14 days: done on 1 of 1" }).waitFor();
    await expectAccessible(sp, "the record after the patient's mark");
    assert.deepEqual(staff.errors, []);
    await staff.close();
  });
});
