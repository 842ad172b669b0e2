// The npm package as installed: `cargo harness test` installs the tarball into a scratch
// project (PACKAGE_TEST_DIR, made from harness/js/package-test/) and runs this file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";

const dir = process.env.PACKAGE_TEST_DIR;
assert.ok(dir, "PACKAGE_TEST_DIR names the scratch project with the package installed");
const installed = join(dir, "node_modules", "lua-wasm-alloc");
const backends = ["talc", "dlmalloc", "buddy", "bump", "slab"];
const entries = ["lua-wasm-alloc", ...backends.map((b) => `lua-wasm-alloc/${b}`)];
const backendOf = (entry) => (entry === "lua-wasm-alloc" ? "talc" : entry.split("/")[1]);

/** Runs a sample with Node in the scratch project; its one line of JSON output. */
function runSample(file) {
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" }));
}

test("the package ships what package.json names, and a README with the report's figures", () => {
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(manifest.name, "lua-wasm-alloc");
  assert.equal(manifest.license, "MIT");
  assert.deepEqual(Object.keys(manifest.exports), [".", ...backends.map((b) => `./${b}`), "./package.json"]);
  for (const entry of Object.values(manifest.exports).filter((e) => typeof e === "object")) {
    for (const files of [entry.browser, entry.node.import, entry.node.require, entry.default]) {
      assert.deepEqual(Object.keys(files), ["types", "default"], "types come first");
      for (const file of Object.values(files)) readFileSync(join(installed, file));
    }
  }
  const readme = readFileSync(join(installed, "README.md"), "utf8");
  assert.match(readme, /npm install \.\/lua-wasm-alloc-\d+\.\d+\.\d+\.tgz/);
  for (const backend of backends) assert.match(readme, new RegExp(`\\| \`${backend}\` \\| [\\d.]+ KiB \\| [\\d.]+x \\|`));
  assert.match(readFileSync(join(installed, "LICENSE"), "utf8"), /Lua\.org, PUC-Rio/);
});

test("CommonJS: require() of every entry runs Lua on its backend", () => {
  const seen = runSample("require.cjs");
  assert.deepEqual(Object.keys(seen), entries);
  for (const entry of entries) {
    assert.deepEqual(seen[entry], { backend: backendOf(entry), lua: "5.4", value: { sum: 42, list: ["a", "b"] } }, entry);
  }
});

test("ES modules: import of every entry runs Lua (and awaits) on its backend, one instance with require", () => {
  const seen = runSample("import.mjs");
  assert.deepEqual(Object.keys(seen), entries);
  for (const entry of entries) {
    assert.deepEqual(seen[entry], { backend: backendOf(entry), lua: "5.4", value: 42, sameAsRequire: true }, entry);
  }
});

test("TypeScript: the samples compile with tsc --strict (nodenext and bundler resolution)", () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  for (const config of ["tsconfig.node.json", "tsconfig.web.json"]) {
    // A failure prints tsc's diagnostics (execFileSync throws with them in stdout).
    execFileSync(process.execPath, [tsc, "-p", join(dir, config), "--strict"], { encoding: "utf8" });
  }
});

/** Serves `root` on 127.0.0.1 (a free port); resolves to { url, close }. */
function serve(root) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^\/+/, "") || "index.html";
    if (path.startsWith("..")) return response.writeHead(403).end();
    try {
      const body = readFileSync(join(root, path));
      response.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

test("browser: a page bundled with esbuild runs Lua in headless Chromium, with no network but the local server", async () => {
  const out = join(dir, "dist");
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(dir, "page", "main.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(out, "app.js"),
    logLevel: "warning",
  });
  copyFileSync(join(dir, "page", "index.html"), join(out, "index.html"));
  copyFileSync(join(installed, "talc", "lua_wasm_bindgen_bg.wasm"), join(out, "lua_wasm_bindgen_bg.wasm"));
  copyFileSync(join(installed, "buddy", "lua_wasm_bindgen_bg.wasm"), join(out, "buddy.wasm"));
  const bundle = readFileSync(join(out, "app.js"), "utf8");
  assert.ok(!/require\(["'](fs|path)["']\)/.test(bundle), "the browser bundle needs no fs or path");

  const server = await serve(out);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const elsewhere = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector("#result").textContent !== "loading", null, { timeout: 20_000 });
    assert.deepEqual(errors, []);
    const result = JSON.parse(await page.textContent("#result"));
    assert.deepEqual(result, {
      beforeInit: "the Lua module is not instantiated yet: await init() first",
      talc: { backend: "talc", lua: "5.4", value: { text: "hello, page", n: 42 } },
      awaited: "awaited",
      buddy: { backend: "buddy", value: 1000 },
    });
    assert.deepEqual(elsewhere, [], "the page asked for nothing but the local server");
  } finally {
    await browser.close();
    server.close();
  }
});
