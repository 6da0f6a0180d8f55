// Browser tests of the staff pages (/c/{clinic}/staff/…) against a real `unknot serve`
// (harness.mjs), on a clinic made from nothing with the CLI, not the demo loader.
//
// They make the clinic with the commands a new clinic uses:
//   unknot clinic create --slug SLUG --name NAME --time-zone ZONE --phone E164 --address-line1 …
//     --city … --postal-code … --country US --database DB
//   unknot user add --clinic SLUG --role owner|front_desk --email E --database DB   (password on stdin)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const SLUG = "knot-lab";
const CLINIC_NAME = "Knot Lab Massage";
const OWNER = { email: "owner@knot-lab.example", password: "correct horse battery staple 7" };
const DESK = { email: "frontdesk@knot-lab.example", password: "phones ring and the book fills 42" };

let server;
let chrome;

before(async () => {
  server = await startServer({
    clinic: SLUG,
    prepare: (run) => {
      run(["clinic", "create", "--slug", SLUG, "--name", CLINIC_NAME, "--time-zone", "America/Los_Angeles",
        "--phone", "+14155550100", "--address-line1", "1 Test Street", "--city", "San Francisco",
        "--postal-code", "94110", "--country", "US"]);
      // The password is read from standard input (never a flag); given twice in case it asks again.
      for (const [who, role] of [[OWNER, "owner"], [DESK, "front_desk"]]) {
        run(["user", "add", "--clinic", SLUG, "--role", role, "--email", who.email], `${who.password}\n${who.password}\n`);
      }
    },
  });
  chrome = await startBrowser();
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

const axeFindings = [];
async function expectAccessible(page, what) {
  const found = await seriousViolations(page);
  axeFindings.push([what, found]);
  assert.deepEqual(found, [], `axe: serious/critical violations on ${what}`);
}

/** No horizontal scrolling (a phone-sized viewport). */
async function expectNoSidewaysScroll(page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${what} scrolls sideways by ${wide} px`);
}

async function signIn(page, who) {
  await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens a staff page from the nav and waits for its heading (which then has the focus). */
async function openFromNav(page, link, heading) {
  await page.getByRole("navigation", { name: "Staff" }).getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", `focus on the heading of ${heading}`);
}

describe("staff pages", { timeout: 300000 }, () => {
  test("the owner sets up a massage therapist and a service, and patients can book them", async () => {
    const { page, errors, close } = await newPageIn(chrome.browser);
    // Signed out, a staff page leads to sign-in and back to where the owner was going.
    await page.goto(server.url("staff/patients?q=nobody"));
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await expectAccessible(page, "sign-in");
    // A wrong password: the error summary takes the focus and says so.
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("The email or the password is not right").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.className), "error-summary");
    await expectAccessible(page, "sign-in with an error");
    await signIn(page, OWNER);
    await page.waitForURL(/\/staff\/patients\?q=nobody$/);
    await page.getByRole("heading", { level: 1, name: "Patients" }).waitFor();
    await page.getByText("No patient matches").waitFor();
    await expectAccessible(page, "patients (none found)");
    const nav = await page.getByRole("navigation", { name: "Staff" }).innerText();
    for (const item of ["Home", "Patients", "Clinic set-up", "Users & sessions", "Audit log", "My account"]) {
      assert.match(nav, new RegExp(item), `the owner's nav has ${item}`);
    }
    await openFromNav(page, "Home", /^Hello/);
    await expectAccessible(page, "staff home");

    await openFromNav(page, "Clinic set-up", "Clinic set-up");
    await expectAccessible(page, "set-up");
    await page.getByRole("link", { name: "Clinic details and policy" }).click();
    await page.getByRole("heading", { level: 1, name: "Clinic details" }).waitFor();
    assert.equal(await page.getByLabel("Clinic name").inputValue(), CLINIC_NAME);
    await expectAccessible(page, "clinic details");

    // A room.
    await page.goto(server.url("staff/setup/rooms"));
    await page.getByRole("heading", { name: "Add a room" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Massage Room 1");
    await page.getByLabel("Kind").selectOption("massage");
    await page.getByRole("button", { name: "Add room" }).click();
    await page.getByText("Added Massage Room 1.").waitFor();
    await expectAccessible(page, "rooms");

    // A massage therapist with weekly hours every day, 09:00–17:00 (so the next week has times).
    await page.goto(server.url("staff/setup/practitioners"));
    await page.getByRole("link", { name: "Add a practitioner" }).click();
    await page.getByRole("heading", { level: 1, name: "Add a practitioner" }).waitFor();
    await page.getByLabel("Name (as patients see it)").fill("Sam Rivera, LMT");
    await page.getByLabel("Role").selectOption("massage_therapist");
    await page.getByLabel("Deep tissue").check();
    await page.getByLabel("Bio").fill("Deep-tissue and sports massage.");
    for (let i = 0; i < 7; i++) await page.getByRole("button", { name: "Add working hours" }).click();
    // A wrong hour is named next to its field, and the summary has the focus.
    await page.locator("#f-weekly_hours-0-end").fill("8");
    await page.getByRole("button", { name: "Add practitioner" }).click();
    await page.getByText("The end must be after the start.").first().waitFor();
    assert.equal(await page.locator("#f-weekly_hours-0-end").getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "error-summary");
    await expectAccessible(page, "practitioner with a field error");
    await page.locator("#f-weekly_hours-0-end").fill("5 PM");
    await page.getByRole("button", { name: "Add practitioner" }).click();
    await page.waitForURL(/\/staff\/setup\/practitioners\/\d+$/);
    await page.getByRole("heading", { level: 1, name: "Sam Rivera, LMT" }).waitFor();
    assert.equal(await page.locator("#f-weekly_hours-6-day").inputValue(), "sunday");
    assert.equal(await page.locator("#f-weekly_hours-0-end").inputValue(), "17:00");
    await expectAccessible(page, "practitioner");
    // Time off far ahead, then removed again.
    await page.locator("#f-time-off-start").fill("2027-06-01T09:00");
    await page.locator("#f-time-off-end").fill("2027-06-02T17:00");
    await page.getByLabel("Reason (staff only)").fill("Course");
    await page.getByRole("button", { name: "Add time off" }).click();
    await page.getByText("(Course)").waitFor();
    assert.match(await page.locator("#time-off-heading + ul").innerText(), /June 1 at 9:00 AM PDT/);
    await page.getByRole("button", { name: /^Remove time off/ }).click();
    await page.getByText("Time off removed.").waitFor();
    await page.goto(server.url("staff/setup/practitioners"));
    await page.getByRole("link", { name: "Sam Rivera, LMT" }).waitFor();
    await expectAccessible(page, "practitioners");

    // A 60-minute deep-tissue service that massage therapists with the skill deliver.
    await page.goto(server.url("staff/setup/services/new"));
    await page.getByLabel("Name (as patients see it)").fill("Deep-tissue massage, 60 min");
    await page.getByLabel("Description").fill("Slow, firm pressure on the knots.");
    await page.getByLabel("Length").fill("60");
    await page.getByLabel("Turnover after").fill("15");
    await page.getByLabel(/^Price/).fill("120");
    await page.getByRole("group", { name: "Who may deliver it" }).getByLabel("Massage therapist").check();
    await page.getByRole("group", { name: /Skills needed/ }).getByLabel("Deep tissue").check();
    await page.getByLabel("Room").selectOption("massage");
    await page.getByRole("button", { name: "Add service" }).click();
    await page.waitForURL(/\/staff\/setup\/services\/\d+$/);
    await page.getByRole("heading", { level: 1, name: "Deep-tissue massage, 60 min" }).waitFor();
    await expectAccessible(page, "service");
    await page.goto(server.url("staff/setup/services"));
    await page.getByText("$120.00").waitFor();
    await expectAccessible(page, "services");
    const services = (await json(server.api("/services"))).body.services;
    const service = services.find((s) => s.name === "Deep-tissue massage, 60 min");
    assert.equal(service.duration_minutes, 60);
    assert.equal(service.price.amount_minor, 12000);

    // The patient booking page now offers the therapist's times.
    const patient = await newPageIn(chrome.browser);
    await patient.page.goto(server.url("book"));
    await patient.page.getByLabel(/Deep-tissue massage, 60 min/).check();
    await patient.page.locator("#practitioner").selectOption({ label: "Sam Rivera, LMT" });
    await patient.page.locator("button.slot").first().waitFor();
    const local = await patient.page.locator("button.slot").first().getAttribute("aria-label");
    assert.match(local, /at (9|10|11|12|1|2|3|4):\d\d (AM|PM)$/, "a time inside 09:00–17:00 clinic time");
    await patient.page.locator("button.slot").first().click();
    await patient.page.getByLabel("First name").fill("Ana");
    await patient.page.getByLabel("Last name").fill("Ruiz");
    await patient.page.getByLabel("Email").fill("ana.ruiz@example.org");
    await patient.page.getByLabel("Phone").fill("(415) 555-0142");
    await patient.page.getByRole("button", { name: "Book", exact: true }).click();
    await patient.page.getByRole("heading", { name: "You are booked" }).waitFor();
    assert.match(await patient.page.locator("dl.appointment").innerText(), /Sam Rivera, LMT/);
    assert.deepEqual(patient.errors, []);
    await patient.close();

    // The patient's record, then the audit entry of that read.
    await openFromNav(page, "Patients", "Patients");
    await page.getByLabel("Name, email or phone").fill("ruiz");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Ruiz, Ana" }).click();
    await page.getByRole("heading", { level: 1, name: "Ana Ruiz" }).waitFor();
    assert.match(await page.locator("main").innerText(), /Deep-tissue massage, 60 min/);
    assert.match(await page.locator("main").innerText(), /not a diagnosis/);
    await expectAccessible(page, "patient record");
    await openFromNav(page, "Audit log", "Audit log");
    await page.locator("table.audit tbody tr").first().waitFor();
    assert.match(await page.locator("table.audit").innerText(), new RegExp(OWNER.email.replace(/\./g, "\\.")));
    await expectAccessible(page, "audit log");
    const csv = await page.getByRole("link", { name: "Export these as CSV" }).getAttribute("href");
    const download = await page.request.get(new URL(csv, page.url()).toString());
    assert.equal(download.status(), 200);
    assert.match(download.headers()["content-type"], /text\/csv/);

    // Users & sessions: another front-desk account, with its first password.
    await openFromNav(page, "Users & sessions", "Users & sessions");
    await page.locator("#f-email").fill("desk2@knot-lab.example");
    await page.locator("#f-display_name").fill("Second Desk");
    await page.locator("#f-role").selectOption("front_desk");
    await page.locator("#f-password").fill("a first password to change");
    await page.getByRole("button", { name: "Add account" }).click();
    await page.getByText("Added desk2@knot-lab.example.").waitFor();
    await expectAccessible(page, "users and sessions");
    await openFromNav(page, "My account", "My account");
    await expectAccessible(page, "my account");

    // Sign out: back to sign-in, and staff pages need signing in again.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByText("You are signed out.").waitFor();
    await page.goto(server.url("staff/audit"));
    await page.waitForURL(/\/staff\/sign-in\?next=staff%2Faudit$/);
    assert.deepEqual(errors, []);
    await close();
  });

  test("the front desk sees no owner pages, and is told so on opening one", async () => {
    const { page, errors, close } = await newPageIn(chrome.browser, { width: 360, height: 740 });
    await page.goto(server.url("staff"));
    await signIn(page, DESK);
    await page.getByRole("heading", { level: 1, name: /^Hello/ }).waitFor();
    const nav = await page.getByRole("navigation", { name: "Staff" }).innerText();
    assert.doesNotMatch(nav, /Audit log|Users & sessions/);
    assert.match(nav, /Patients/);
    await expectNoSidewaysScroll(page, "staff home on a phone");
    for (const [route, heading] of [["staff/audit", "Audit log"], ["staff/users", "Users & sessions"]]) {
      await page.goto(server.url(route));
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      await page.getByText("Your role cannot open this.").waitFor();
      await expectAccessible(page, `${route} as the front desk`);
    }
    // Set-up: readable, not changeable.
    await page.goto(server.url("staff/setup/services"));
    await page.getByText("Your role can see the clinic's set-up but not change it.").waitFor();
    assert.equal(await page.getByRole("link", { name: "Add a service" }).count(), 0);
    await expectNoSidewaysScroll(page, "services on a phone");
    await page.goto(server.url("staff/patients?q=ruiz"));
    await page.getByRole("link", { name: "Ruiz, Ana" }).waitFor();
    await expectNoSidewaysScroll(page, "patients on a phone");
    await expectAccessible(page, "patients as the front desk on a phone");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByText("You are signed out.").waitFor();
    assert.deepEqual(errors, []);
    await close();
  });

  test("axe found nothing serious on any staff page", () => {
    const seen = axeFindings.filter(([, found]) => found.length);
    assert.deepEqual(seen, []);
    assert.ok(axeFindings.length >= 18, `axe ran on ${axeFindings.length} pages`);
  });
});
