// The Chromium side of `cargo harness report`: serves browser_measure.mjs, the modules, the
// wasmoon peer and the Lua sources on 127.0.0.1, starts headless Chromium on that page and
// prints the timings the page POSTs back (one JSON object on stdout).
//
//   node chromium.mjs '<config>'
//   config: {"modules": {"talc": "<web dir>", ...}, "wasmoon": true|false,
//            "sources": {"binary_trees": "<path.lua>", ...}, "plan": {...}}
//   the plan is handed to the page as it is (see browser_measure.mjs).
//
// No DevTools client is attached: with one (playwright, CDP), Chromium runs every thrown wasm
// exception ~15x slower, and every Lua error and coroutine yield is one. So Chromium is started
// on the page's URL and the page reports by POST. The page is cross-origin isolated
// (COOP/COEP), which gives performance.now() 5 µs resolution instead of 100 µs.
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { wasmoonFiles } from "./wasmoon.mjs";

const config = JSON.parse(process.argv[2]);
const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TIMEOUT_MS = 60 * 60 * 1000;

const TYPES = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html" };
const PAGE = `<!doctype html><meta charset="utf-8"><title>lua-wasm measure</title>
<script type="module" src="/harness/browser_measure.mjs"></script>`;
const COLD_PAGE = `<!doctype html><meta charset="utf-8"><title>cold start</title>
<script type="module" src="/harness/browser_cold.mjs"></script>`;

const sources = Object.fromEntries(Object.entries(config.sources).map(([name, path]) => [name, readFileSync(path, "utf8")]));
const pageConfig = {
  modules: Object.keys(config.modules),
  wasmoon: config.wasmoon,
  sources,
  plan: config.plan,
};

// URL path -> file: /m/<module>/main/<file>, /harness/<file>, /wasmoon/<file>.
function fileOf(path) {
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "m" && parts.length === 4 && config.modules[parts[1]]) return join(config.modules[parts[1]], parts[3]);
  if (parts[0] === "harness" && parts.length === 2) return join(here, parts[1]);
  if (parts[0] === "wasmoon" && parts.length === 2 && config.wasmoon) return join(dirname(wasmoonFiles().js), parts[1]);
  return null;
}

function body(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

let finish;
const done = new Promise((resolve, reject) => {
  finish = { resolve, reject };
});

const server = createServer(async (request, response) => {
  const path = new URL(request.url, "http://x").pathname;
  const send = (status, type, data) => {
    response.writeHead(status, {
      "content-type": type,
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cache-control": "no-store",
    });
    response.end(data);
  };
  try {
    if (request.method === "POST") {
      const text = await body(request);
      send(204, "text/plain", "");
      if (path === "/progress") process.stderr.write(`    chromium: ${text}\n`);
      else if (path === "/result") finish.resolve(JSON.parse(text));
      else if (path === "/error") finish.reject(new Error(`the page failed: ${text}`));
      return;
    }
    if (path === "/") return send(200, "text/html", PAGE);
    if (path === "/cold.html") return send(200, "text/html", COLD_PAGE);
    if (path === "/config.json") return send(200, "application/json", JSON.stringify(pageConfig));
    const file = fileOf(normalize(path));
    if (!file) return send(404, "text/plain", "not found");
    const extension = file.slice(file.lastIndexOf("."));
    send(200, TYPES[extension] ?? "application/octet-stream", readFileSync(file));
  } catch (error) {
    send(500, "text/plain", String(error));
  }
});

await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = mkdtempSync(join(tmpdir(), "lua-wasm-chromium-"));
const browser = spawn(
  chromium,
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    `--user-data-dir=${profile}`,
    url,
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);
let browserLog = "";
browser.stderr.on("data", (d) => (browserLog = (browserLog + d).slice(-4000)));
browser.on("exit", (code) => finish.reject(new Error(`chromium exited (${code}) before the page reported:\n${browserLog}`)));
const timer = setTimeout(() => finish.reject(new Error("the page did not report within an hour")), TIMEOUT_MS);

try {
  const result = await done;
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  browser.removeAllListeners("exit");
  browser.kill();
  await new Promise((resolve) => (browser.exitCode === null ? browser.once("exit", resolve) : resolve()));
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
