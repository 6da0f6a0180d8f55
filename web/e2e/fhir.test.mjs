// FHIR R4 and SMART Scheduling Links against a real `unknot serve`, judged by third-party code:
// every resource the server returns must pass the npm `fhir` package's R4 validator, and an
// outside integrator using npm `fhir-kit-client` finds a free Slot, books it by FHIR create with
// a contained Patient, sees it gone, reads the Appointment with the manage token, cancels it by
// JSON Patch, and sees it free again; every refusal is a valid OperationOutcome. A Slot's
// booking-deep-link, opened in Chromium, lands on the details step for that time.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Fhir } from "fhir";
import { Client, RESPONSE_KEY } from "fhir-kit-client";
import { CLINIC, newPageIn, startBrowser, startServer } from "./harness.mjs";

const DEEP_LINK = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link";
const PHONE = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone";
const MANAGE_TOKEN = "https://unknot.dev/fhir/StructureDefinition/manage-token";

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

  test("an integrator with fhir-kit-client finds a free Slot, books it by create, reads it, cancels by patch", async () => {
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

    // Book it by FHIR create: the slot by reference, the patient contained.
    const patientResource = (email) => ({ resourceType: "Patient", id: "p1",
      name: [{ given: ["Ada"], family: "Integrator" }],
      telecom: [{ system: "email", value: email }, { system: "phone", value: "+14155550199" }] });
    const booking = { resourceType: "Appointment", status: "booked", slot: [{ reference: `Slot/${slot.id}` }],
      contained: [patientResource("ada@example.org")],
      participant: [{ actor: { reference: "#p1" }, status: "accepted" }] };
    assertValid(booking, "the booking sent");
    const created = await client.create({ resourceType: "Appointment", body: booking,
      options: { headers: { "Idempotency-Key": "integrator-1" } } });
    assertValid(created, "created Appointment");
    assert.equal(created.status, "booked");
    assert.equal(Date.parse(created.start), Date.parse(slot.start));
    const response = created[RESPONSE_KEY];
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("location"), `${base}/Appointment/${created.id}`);
    const token = created.extension.find((e) => e.url === MANAGE_TOKEN).valueString;
    assert.ok(token);
    // A retry with the same key is answered as the first time.
    const retried = await client.create({ resourceType: "Appointment", body: booking,
      options: { headers: { "Idempotency-Key": "integrator-1" } } });
    assert.deepEqual(retried, created);

    // Refusals are OperationOutcomes with the JSON API's reasons.
    const refusal = async (promise, status, where) => {
      let outcome;
      await assert.rejects(promise, (e) => {
        assert.equal(e.response?.status, status, `${where}: ${JSON.stringify(e.response?.data)}`);
        outcome = e.response.data;
        return true;
      });
      assert.equal(outcome.resourceType, "OperationOutcome", where);
      assertValid(outcome, where);
      lastOutcome = outcome;
      return outcome.issue[0];
    };
    let lastOutcome;
    const taken = await refusal(client.create({ resourceType: "Appointment",
      body: { ...booking, contained: [patientResource("bob@example.org")] } }), 409, "taken");
    assert.equal(taken.details.coding[0].code, "taken");
    assert.deepEqual(taken.expression, ["Appointment.slot[0]"]);
    // The nearest free times come with it, as contained Slots the issue references.
    const alternatives = lastOutcome.contained ?? [];
    assert.ok(alternatives.length > 0, "a taken slot offers alternatives");
    assert.deepEqual(taken.extension.map((e) => e.valueReference.reference),
      alternatives.map((s) => `#${s.id}`));
    for (const alternative of alternatives) assertValid(alternative, "alternative Slot");
    const malformed = await refusal(client.create({ resourceType: "Appointment",
      body: { ...booking, participant: [{ actor: { reference: "Patient/1" }, status: "accepted" }] } }), 400, "malformed");
    assert.deepEqual(malformed.expression, ["Appointment.participant[0].actor"]);

    await assert.rejects(client.read({ resourceType: "Slot", id: slot.id }), (e) => {
      assert.equal(e.response?.status, 404);
      assert.equal(e.response?.data?.resourceType, "OperationOutcome");
      return true;
    });
    const id = created.id;
    const patient = new Client({ baseUrl: base, bearerToken: token });
    const appointment = await patient.read({ resourceType: "Appointment", id: String(id) });
    assertValid(appointment, "Appointment");
    assert.equal(appointment.status, "booked");
    assert.equal(Date.parse(appointment.start), Date.parse(slot.start));
    const { extension: _token, ...asRead } = created;
    assert.deepEqual(appointment, asRead);
    await assert.rejects(client.read({ resourceType: "Appointment", id: String(id) }),
      (e) => e.response?.status === 404); // no token, no appointment

    // Cancel by JSON Patch; anything else is refused.
    const other = await refusal(patient.patch({ resourceType: "Appointment", id,
      jsonPatch: [{ op: "replace", path: "/start", value: "2030-01-01T00:00:00Z" }] }), 422, "other patch");
    assert.match(other.diagnostics, /only cancellation/);
    await refusal(client.patch({ resourceType: "Appointment", id,
      jsonPatch: [{ op: "replace", path: "/status", value: "cancelled" }] }), 404, "patch without token");
    const cancelled = await patient.patch({ resourceType: "Appointment", id,
      jsonPatch: [{ op: "replace", path: "/status", value: "cancelled" }] });
    assertValid(cancelled, "cancelled by patch");
    assert.equal(cancelled.status, "cancelled");
    const gone = await patient.read({ resourceType: "Appointment", id: String(id) });
    assertValid(gone, "cancelled Appointment");
    assert.equal(gone.status, "cancelled");
    const twice = await refusal(patient.update({ resourceType: "Appointment", id, body: gone }), 409, "cancel twice");
    assert.equal(twice.details.coding[0].code, "not_booked");
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
