// Starts a real `unknot serve` on a temporary SQLite database with the demo clinic and the built
// web app, and Debian's Chromium through playwright-core (never a downloaded browser).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const CLINIC = "mission-sports-chiro";

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export function unknotBin() {
  return process.env.UNKNOT_BIN ?? join(repo, "build/debug/src/server/unknot");
}

/**
 * `clinic` is the slug the helpers below address; `prepare(run)` fills the migrated database
 * (by default `unknot demo`), where `run(args, input)` runs the binary on it with `--database`
 * appended and `input` on its standard input.
 */
export async function startServer({ clinic = CLINIC, prepare = (run) => run(["demo"]) } = {}) {
  const bin = unknotBin();
  if (!existsSync(bin)) throw new Error(`no unknot binary at ${bin}: build it first (or set UNKNOT_BIN)`);
  const webRoot = join(repo, "web/dist");
  if (!existsSync(join(webRoot, "index.html"))) throw new Error("web/dist is not built: npm run build");
  const dir = mkdtempSync(join(tmpdir(), "unknot-web-e2e-"));
  const db = join(dir, "unknot.db");
  const run = (args, input) => execFileSync(bin, [...args, "--database", db],
    { input, stdio: ["pipe", "pipe", "pipe"], encoding: "utf8", timeout: 60000 });
  try {
    run(["migrate"]);
    await prepare(run);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = await freePort();
  const child = spawn(bin, ["serve", "--database", db, "--listen", `127.0.0.1:${port}`,
    "--web-root", webRoot, "--data", join(repo, "data"), "--threads", "2"],
    { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`unknot serve exited: ${log}`);
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`unknot serve did not become ready: ${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    /** One SQL query on the server's SQLite file (sqlite3 from Debian), rows as "a|b" lines. */
    sql: (query) => execFileSync("sqlite3", ["-readonly", db, query], { encoding: "utf8", timeout: 10000 }).trim(),
    url: (path = "") => `${base}/c/${clinic}/${path}`,
    api: (path) => `${base}/api/v1/clinics/${clinic}${path}`,
    log: () => log,
    /** Runs the binary on the server's database (e.g. `deliver --once`), as `prepare` does. */
    run,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => { if (child.exitCode !== null) r(); else child.once("exit", r); setTimeout(r, 5000); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), "unknot-web-chromium-"));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    timeout: 30000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return { browser, async close() { await browser.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

/**
 * A page in a fresh context of `browser`. `errors` collects uncaught errors; any
 * Content-Security-Policy violation (the browser's console message or the page's
 * securitypolicyviolation event) is an error too, and close() fails the test if one happened.
 */
export async function newPageIn(browser, viewport = { width: 1280, height: 900 }, timezoneId = "America/Los_Angeles") {
  const context = await browser.newContext({ viewport, timezoneId });
  // Injected by the browser, so the policy under test does not apply to it.
  await context.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) =>
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`)));
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  const csp = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|CSP violation/i.test(m.text())) {
      csp.push(m.text());
      errors.push(m.text());
    }
  });
  return {
    page, context, errors,
    async close() {
      await context.close();
      assert.deepEqual(csp, [], "no Content-Security-Policy violation");
    },
  };
}

/** axe-core on the page; returns the serious and critical violations (none expected). */
export async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

export async function json(url, init) {
  const r = await fetch(url, init);
  return { status: r.status, body: await r.json().catch(() => null) };
}
