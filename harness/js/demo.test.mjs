// Drives the demo page in headless Chromium (Debian's, through playwright-core): a click on Run
// while the module loads is queued and runs once it is ready; every backend loads, code runs
// with Ctrl+Enter and the button, errors show as errors with their traceback, the memory
// statistics update and the chart draws a series per run. DEMO_URL points at the static site
// served (`cargo harness demo`); the harness test serves target/demo-site/. The page may ask for
// nothing but that server. A screenshot goes to target/demo.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const url = process.env.DEMO_URL ?? "http://127.0.0.1:8000/";
const screenshot = process.env.DEMO_SCREENSHOT ?? "target/demo.png";

test("the demo runs Lua on every backend", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const elsewhere = [];
    // The first module is held back until Run has been clicked, as on a slow connection.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route("**/*", async (route) => {
      const requested = route.request().url();
      if (!requested.startsWith(url)) {
        elsewhere.push(requested);
        return route.abort();
      }
      if (requested.endsWith(".wasm")) await held;
      return route.continue();
    });
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("loading"));
    await page.click("#run");
    assert.match(await page.textContent("#status"), /Run queued: waiting for the module to load/);
    release();
    await page.waitForFunction(() => document.querySelector("#output").textContent.includes("→ 2"));
    assert.match(await page.textContent("#output"), /Hello from Lua Lua 5\.4/);
    await page.waitForFunction(() => document.querySelector("#status").textContent.endsWith("ready"));

    const backends = await page.$$eval("#backend option", (options) => options.map((o) => o.value));
    for (const known of ["buddy", "bump", "dlmalloc", "talc"]) assert.ok(backends.includes(known), `the page offers ${known}: ${backends}`);

    for (const backend of backends) {
      await page.selectOption("#backend", backend);
      await page.waitForFunction((b) => document.querySelector("#status").textContent === `${b} ready`, backend);
      await page.fill("#code", "print('hello from', _VERSION)\nreturn 6 * 7");
      await page.press("#code", "Control+Enter");
      await page.waitForFunction(() => document.querySelector("#output").textContent.includes("42"));
      const output = await page.textContent("#output");
      assert.match(output, /hello from\tLua 5\.4/);
      assert.match(output, /→ 42/);
      const stats = await page.textContent("#stats");
      assert.match(stats, new RegExp(`backend${backend}`));
      assert.match(stats, /live[\d.]+ KiB/);
      assert.match(stats, /module size[\d.]+ KiB/);
    }

    await page.fill("#code", "local function f() error('shown as an error') end\nf()");
    await page.click("#run");
    await page.waitForSelector("#output .error");
    assert.match(await page.textContent("#output .error"), /LuaError: demo:1: shown as an error/);
    assert.match(await page.textContent("#output .traceback"), /stack traceback:[\s\S]*demo:1: in (local|function) 'f'/);

    // The chart: a series per run, coloured by backend; two backends on one script.
    for (const backend of ["talc", "bump"]) {
      await page.selectOption("#backend", backend);
      await page.waitForFunction((b) => document.querySelector("#status").textContent === `${b} ready`, backend);
      await page.selectOption("#examples", "Memory over time");
      await page.click("#run");
      await page.waitForFunction(() => document.querySelector("#output").textContent.includes("after collect"));
      // The newest series of this backend (earlier runs drew theirs too).
      const points = await page.$$eval(`#chart polyline[data-backend=${backend}][data-kind=live]`, (lines) => lines.at(-1).getAttribute("points").trim().split(" ").length);
      assert.ok(points >= 8, `the ${backend} series has a sample per await at least (${points} points)`);
    }
    assert.match(await page.textContent("#chart"), /talc: Memory over time, peak \d+ KiB[\s\S]*bump: Memory over time, peak \d+ KiB/);

    await page.selectOption("#examples", "Call JavaScript");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#output").textContent.includes("HELLO FROM LUA"));
    const interop = await page.textContent("#output");
    assert.match(interop, /JS clock says\t\d\d:\d\d:\d\d UTC/);
    assert.match(interop, /→ \{.*"sizes":\[1,2,3\].*\}/);

    await page.selectOption("#examples", "Await");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#output").textContent.includes("fetched:"));
    const awaited = await page.textContent("#output");
    assert.match(awaited, /slept 300 ms/);
    assert.match(awaited, /fetched: Hello from a file the demo page serves\./);

    await page.selectOption("#examples", "Binary trees");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#output").textContent.includes("nodes"));
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(elsewhere, [], "the page asked for nothing but the demo's server");
  } finally {
    await browser.close();
  }
});
