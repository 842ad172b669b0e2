// Drives the demo page in headless Chromium (Debian's, through playwright-core): every
// backend loads, code runs with Ctrl+Enter and the button, errors show as errors, and the
// memory statistics update. DEMO_URL points at a running `cargo harness demo`; the harness
// test starts one. A screenshot goes to target/demo.png.
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
    await page.goto(url);
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

    await page.fill("#code", "error('shown as an error')");
    await page.click("#run");
    await page.waitForSelector("#output .error");
    assert.match(await page.textContent("#output .error"), /LuaError: demo:1: shown as an error/);

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
  } finally {
    await browser.close();
  }
});
