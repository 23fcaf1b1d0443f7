// Drive the query page in headless Chromium: type a query into YASGUI's editor, run it, and
// print the results table's cells as JSON (the pytest test asserts on them).
// Usage: NODE_MODULES=api/static/node_modules node ui_e2e.mjs ORIGIN QUERY
// playwright-core lives in api/static/node_modules, which ESM resolution from tests/ cannot
// see, so it is required from there explicitly.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve(process.env.NODE_MODULES) + "/");
const { chromium } = require("playwright-core");

const [origin, query] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync"],
});
const result = { tabs: [], cells: [], errors: [] };
try {
  const page = await browser.newPage();
  page.on("pageerror", (err) => result.errors.push(String(err)));
  // Only our own origin may be reached: anything else (a CDN) fails the test.
  await page.route("**/*", (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort());
  await page.goto(origin + "/", { waitUntil: "load" });
  await page.waitForSelector("body[data-ready=true] .yasqe .CodeMirror", { timeout: 20000 });
  result.tabs = await page.$$eval(".yasgui .tabsList .tab", (els) =>
    els.map((e) => e.textContent.trim()));
  await page.click(".yasqe .CodeMirror");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(query);
  await page.click(".yasqe .yasqe_queryButton");
  try {
    await page.waitForSelector(".yasr table tbody tr td", { timeout: 20000 });
  } catch (err) {
    result.errors.push("no results table: " + err.message.split("\n")[0]);
    result.editor = await page.evaluate(() => window.claimgraphYasgui.getTab().getYasqe().getValue());
    result.yasr = await page.$eval(".yasr", (e) => e.innerText.slice(0, 500));
  }
  result.cells = await page.$$eval(".yasr table tbody td", (els) =>
    els.map((e) => e.textContent.trim()));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
