// FHIR R4 and SMART Scheduling Links against a real `unknot serve`, judged by third-party code:
// every resource the server returns must pass the npm `fhir` package's R4 validator, and an
// outside integrator using npm `fhir-kit-client` finds a free Slot, books it (through the JSON
// API: FHIR booking is not built yet), sees it gone, reads the Appointment with the manage token,
// cancels, and sees it free again. A Slot's
// booking-deep-link, opened in Chromium, lands on the details step for that time.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Fhir } from "fhir";
import { Client } from "fhir-kit-client";
import { CLINIC, json, newPageIn, startBrowser, startServer } from "./harness.mjs";

const DEEP_LINK = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link";
const PHONE = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone";

const validator = new Fhir();
let validated = 0;

/** Fails with the validator's messages unless `resource` is valid R4 (unknown properties are errors). */
function assertValid(resource, where) {
  const result = validator.validate(resource, { errorOnUnexpected: true });
  const errors = result.messages.filter((m) => m.severity === "error");
  assert.ok(result.valid && errors.length === 0,
    `${where}: ${resource.resourceType} is not valid R4: ${JSON.stringify(errors)}`);
  validated++;
}

let server;
let base;
before(async () => {
  server = await startServer();
  base = `${server.base}/fhir/${CLINIC}`;
});
after(async () => {
  await server?.stop();
});

async function fhirGet(path, headers = {}) {
  const response = await fetch(`${base}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null };
}

describe("FHIR R4", { timeout: 120000 }, () => {
  test("every resource and every error validates as R4", async () => {
    const metadata = await fhirGet("/metadata");
    assert.equal(metadata.status, 200);
    assert.match(metadata.headers.get("content-type"), /^application\/fhir\+json/);
    assertValid(metadata.body, "metadata");
    for (const type of ["Location", "Practitioner", "PractitionerRole", "HealthcareService", "Schedule", "Slot"]) {
      const bundle = await fhirGet(`/${type}`);
      assert.equal(bundle.status, 200, `${type}: ${bundle.text}`);
      assertValid(bundle.body, `${type} search`);
      assert.ok(bundle.body.entry.length > 0, `${type}: no entries`);
      for (const entry of bundle.body.entry) {
        assertValid(entry.resource, `${type} entry`);
        const read = await fhirGet(`/${type}/${entry.resource.id}`);
        assert.equal(read.status, 200, `${type}/${entry.resource.id}`);
        assert.deepEqual(read.body, entry.resource);
        if (type === "Slot") break; // one read of a slot is enough
      }
    }
    for (const path of ["/Slot?foo=bar", "/Slot?start=gt2030-01-01", "/Patient", "/Practitioner/999"]) {
      const error = await fhirGet(path);
      assert.ok(error.status === 400 || error.status === 404, `${path}: ${error.status}`);
      assert.equal(error.body.resourceType, "OperationOutcome", path);
      assertValid(error.body, path);
    }
    assert.ok(validated > 20, `only ${validated} resources validated`);
  });

  test("$bulk-publish: manifest, NDJSON files whose references resolve, both extensions, ETag", async () => {
    const manifest = await fhirGet("/$bulk-publish");
    assert.equal(manifest.status, 200);
    assert.ok(!Number.isNaN(Date.parse(manifest.body.transactionTime)));
    assert.equal(manifest.body.request, `${base}/$bulk-publish`);
    assert.deepEqual(manifest.body.error, []);
    assert.deepEqual(manifest.body.output.map((o) => o.type), ["Location", "Schedule", "Slot"]);
    const files = {};
    for (const output of manifest.body.output) {
      const response = await fetch(output.url);
      assert.equal(response.status, 200, output.url);
      assert.equal(response.headers.get("content-type"), "application/fhir+ndjson");
      const text = await response.text();
      assert.ok(text.endsWith("\n"));
      files[output.type] = text.trimEnd().split("\n").map((line) => JSON.parse(line));
      for (const resource of files[output.type]) {
        assert.equal(resource.resourceType, output.type);
        assertValid(resource, output.url);
      }
      const etag = response.headers.get("etag");
      assert.ok(etag && response.headers.get("last-modified"), "ETag and Last-Modified");
      assert.equal((await fetch(output.url, { headers: { "If-None-Match": etag } })).status, 304);
    }
    const ids = (type) => new Set(files[type].map((r) => `${type}/${r.id}`));
    const locations = ids("Location");
    const schedules = ids("Schedule");
    for (const schedule of files.Schedule) {
      for (const actor of schedule.actor.filter((a) => a.reference.startsWith("Location/"))) {
        assert.ok(locations.has(actor.reference), actor.reference);
      }
    }
    assert.ok(files.Slot.length > 50, `${files.Slot.length} slots`);
    for (const slot of files.Slot) {
      assert.ok(schedules.has(slot.schedule.reference), slot.schedule.reference);
      assert.equal(slot.status, "free");
      const link = slot.extension.find((e) => e.url === DEEP_LINK);
      const phone = slot.extension.find((e) => e.url === PHONE);
      assert.ok(link?.valueUrl.startsWith(`${server.base}/c/${CLINIC}/book?`), JSON.stringify(slot));
      assert.equal(phone?.valueString, "+14155550134");
    }
  });

  test("an integrator with fhir-kit-client finds a free Slot, books it, sees it taken, cancels", async () => {
    const client = new Client({ baseUrl: base });
    const capability = await client.capabilityStatement();
    assert.equal(capability.resourceType, "CapabilityStatement");
    const services = await client.search({ resourceType: "HealthcareService" });
    const art = services.entry.map((e) => e.resource)
      .find((s) => s.type[0].coding[0].code === "art-session");
    assert.ok(art, "the ART session is a HealthcareService");
    const page = await client.search({ resourceType: "Slot",
      searchParams: { "service-type": "art-session", status: "free", _count: 3 } });
    assertValid(page, "fhir-kit-client Slot page");
    assert.equal(page.entry.length, 3);
    const second = await client.nextPage({ bundle: page });
    assertValid(second, "fhir-kit-client next page");
    assert.notEqual(second.entry[0].resource.id, page.entry[0].resource.id);
    const slot = page.entry[0].resource;

    const practitioner = Number(slot.schedule.reference.split("/")[1]);
    const booked = await json(server.api("/appointments"), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: Number(art.id), practitioner, start: slot.start,
        patient: { given_name: "Ada", family_name: "Integrator", email: "ada@example.org", phone: "+14155550199" } }),
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    assert.equal(booked.body.appointment.start, slot.start.replace(".000", ""));

    await assert.rejects(client.read({ resourceType: "Slot", id: slot.id }), (e) => {
      assert.equal(e.response?.status, 404);
      assert.equal(e.response?.data?.resourceType, "OperationOutcome");
      return true;
    });
    const { id } = booked.body.appointment;
    const token = booked.body.manage_token;
    const patient = new Client({ baseUrl: base, bearerToken: token });
    const appointment = await patient.read({ resourceType: "Appointment", id: String(id) });
    assertValid(appointment, "Appointment");
    assert.equal(appointment.status, "booked");
    assert.equal(Date.parse(appointment.start), Date.parse(slot.start));
    await assert.rejects(client.read({ resourceType: "Appointment", id: String(id) }),
      (e) => e.response?.status === 404); // no token, no appointment
    const cancelled = await json(server.api(`/appointments/${id}/cancel`), {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: "{}",
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const gone = await patient.read({ resourceType: "Appointment", id: String(id) });
    assertValid(gone, "cancelled Appointment");
    assert.equal(gone.status, "cancelled");
    const again = await client.read({ resourceType: "Slot", id: slot.id });
    assert.deepEqual(again, slot);
  });

  test("a Slot's booking-deep-link opens the details step for that time, and books it", async () => {
    const bundle = await fhirGet("/Slot?service-type=art-session&_count=1&_offset=5");
    const slot = bundle.body.entry[0].resource;
    const link = slot.extension.find((e) => e.url === DEEP_LINK).valueUrl;
    const chrome = await startBrowser();
    try {
      const { page, close } = await newPageIn(chrome.browser);
      await page.goto(link);
      await page.getByRole("heading", { name: "3. Your details" }).waitFor();
      const chosen = await page.locator("p.chosen").textContent();
      const local = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", hour: "numeric",
        minute: "2-digit" }).format(new Date(slot.start));
      assert.ok(chosen.replace(/\s+/g, " ").includes(local.replace(/\s+/g, " ")), `${chosen} names ${local}`);
      await page.getByLabel("First name").fill("Lin");
      await page.getByLabel("Last name").fill("Deeplink");
      await page.getByLabel("Email").fill("lin@example.org");
      await page.getByLabel("Phone").fill("(415) 555-0177");
      await page.getByRole("button", { name: "Book", exact: true }).click();
      await page.getByRole("heading", { name: "You are booked" }).waitFor();
      const [start, practitioner] = server.sql(
        "SELECT a.start_at || '|' || a.practitioner_id FROM appointments a JOIN patients p ON p.id = a.patient_id " +
        "WHERE p.email = 'lin@example.org'").split("|");
      assert.equal(Number(start), Date.parse(slot.start) / 1000);
      assert.equal(`Schedule/${practitioner}`, slot.schedule.reference);
      await close();
    } finally {
      await chrome.close();
    }
  });
});
