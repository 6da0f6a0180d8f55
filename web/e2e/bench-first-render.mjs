// Benchmark (not a test): time to first render of the landing page on loopback, i.e. from the
// start of navigation until the app has rendered the clinic's page (a performance mark), over N cold page loads (new context
// each, so no HTTP cache). Usage: UNKNOT_BIN=... node e2e/bench-first-render.mjs [N]
import { startBrowser, startServer } from "./harness.mjs";

const n = +(process.argv[2] ?? 20);
const server = await startServer();
const chrome = await startBrowser();
const times = [];
try {
  for (let i = 0; i < n + 2; i++) {
    const context = await chrome.browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url(), { waitUntil: "commit" });
    await page.getByRole("heading", { level: 1, name: /Mission Sports/ }).waitFor();
    const ms = await page.evaluate(() => performance.getEntriesByName("unknot:landing")[0]?.startTime ?? NaN);
    if (i >= 2) times.push(ms); // the first two warm the server and the browser
    await context.close();
  }
} finally {
  await chrome.close();
  await server.stop();
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(0);
console.log(`landing first render over ${times.length} cold loads: median ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${pct(1)} ms`);
