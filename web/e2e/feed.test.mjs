// A practitioner's calendar feed in the browser (issue 17): Dr. Okafor makes her feed link on "My
// account", her calendar app fetches it and finds her appointment (patient by initials); a new
// link, confirmed first, makes the old one stop working at once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { json, newPageIn, seriousViolations, startBrowser, startServer } from "./harness.mjs";

const OKAFOR = { email: "okafor@example.org", password: "knots come undone slowly 42" };

let server;
let chrome;

before(async () => {
  server = await startServer({
    prepare: (run) => {
      run(["demo"]);
      run(["user", "add", "--clinic", "mission-sports-chiro", "--role", "practitioner", "--email", OKAFOR.email,
        "--practitioner", "maya-okafor"], `${OKAFOR.password}\n${OKAFOR.password}\n`);
    },
  });
  chrome = await startBrowser();
}, { timeout: 120000 });

after(async () => {
  await chrome?.close();
  await server?.stop();
});

/** Books the first free time with Dr. Okafor a few days ahead for a patient; its start. */
async function bookWithOkafor() {
  const practitioners = (await json(server.api("/practitioners"))).body.practitioners;
  const okafor = practitioners.find((p) => p.slug === "maya-okafor");
  const services = (await json(server.api("/services"))).body.services;
  const service = services.find((s) => !s.new_patients_only && s.allowed_roles?.includes?.("chiropractor")) ??
    services.find((s) => !s.new_patients_only);
  const from = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 12 * 86400000).toISOString().slice(0, 10);
  const days = (await json(server.api(`/availability?service=${service.id}&practitioner=${okafor.id}&from=${from}&to=${to}`))).body.days;
  const slot = days.flatMap((d) => d.slots).find((s) => s.options.some((o) => o.practitioner === okafor.id));
  assert.ok(slot, "a free time with Dr. Okafor");
  const made = await json(server.api("/appointments"), { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service: service.id, start: slot.start, practitioner: okafor.id,
      patient: { given_name: "Fern", family_name: "Quill", email: "fern.quill@example.org", phone: "+14155550188" } }) });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.appointment.id;
}

describe("calendar feed", { timeout: 180000 }, () => {
  test("a practitioner makes a feed link on My account and her calendar sees her appointment", async () => {
    const appointment = await bookWithOkafor();
    const { page, errors, close } = await newPageIn(chrome.browser);
    try {
      await page.goto(server.url("staff/account"));
      await page.getByRole("heading", { name: "Staff sign-in" }).waitFor();
      await page.getByLabel("Email").fill(OKAFOR.email);
      await page.getByLabel("Password").fill(OKAFOR.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { level: 1, name: "My account" }).waitFor();
      const section = page.getByRole("region", { name: "Calendar feed" });
      await section.getByText("Off: no link yet.").waitFor();
      await section.getByRole("button", { name: "Create feed link" }).click();
      const field = section.getByLabel("Feed link");
      await field.waitFor();
      const url = await field.inputValue();
      assert.match(url, /\/practitioners\/\d+\/calendar\.ics\?key=/);
      const webcal = await section.getByRole("link", { name: /webcal/ }).getAttribute("href");
      assert.equal(webcal, url.replace(/^https?:\/\//, "webcal://"));
      assert.deepEqual(await seriousViolations(page), [], "axe: My account with the feed link");

      // The calendar app's fetch: no cookie, just the URL.
      const feed = await fetch(url);
      assert.equal(feed.status, 200);
      assert.match(feed.headers.get("content-type"), /^text\/calendar/);
      const ics = await feed.text();
      assert.ok(ics.includes(`UID:appointment-${appointment}@mission-sports-chiro.unknot`), ics);
      assert.ok(ics.includes("F. Q."), "patient by initials");
      assert.ok(!ics.includes("Quill"), "no family name by default");

      // A new link: asked first, then the old one is gone at once.
      await section.getByRole("button", { name: "New link (the old one stops working)" }).click();
      await section.getByRole("button", { name: "Yes, make a new link" }).click();
      await section.getByText(/On, link made/).waitFor();
      await page.waitForFunction((old) => document.querySelector("#feed-url")?.value !== old, url);
      const second = await field.inputValue();
      assert.notEqual(second, url);
      assert.equal((await fetch(url)).status, 404);
      assert.equal((await fetch(second)).status, 200);

      await section.getByRole("button", { name: "Turn off" }).click();
      await section.getByText("Off: no link yet.").waitFor();
      assert.equal((await fetch(second)).status, 404);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
