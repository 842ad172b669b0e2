// One cold start sample in a fresh iframe that browser_measure.mjs opens (and removes after):
// /cold.html?runner=<module name | wasmoon>&nonce=<n>. A frame of its own has its own module map,
// so the JS glue and the wasm instance go when the frame goes (in one page, every sample's
// instance would stay alive until the address space for wasm memories runs out).
//
// The module's bytes, with a nonce custom section appended (V8 reuses compiled modules with the
// same bytes within a process), are fetched before the clock and given as a blob: URL, so that
// compilation streams as from a server. The clock covers fetch + compile + instantiate, a new VM
// and `exec("return 1+1")`; wasmoon: `new LuaFactory(url)`, an engine and `doString`. The frame
// posts {nonce, ms, result} to its parent.
const params = new URLSearchParams(location.search);
const runner = params.get("runner");
const nonce = Number(params.get("nonce"));

function withNonce(bytes) {
  // A custom section (id 0): size, name "nonce", 4 payload bytes.
  const section = new Uint8Array([0, 10, 5, 110, 111, 110, 99, 101, 0, 0, 0, 0]);
  new DataView(section.buffer).setUint32(8, nonce, true);
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes);
  out.set(section, bytes.length);
  return out;
}

async function blobOf(path) {
  const bytes = new Uint8Array(await (await fetch(path)).arrayBuffer());
  return URL.createObjectURL(new Blob([withNonce(bytes)], { type: "application/wasm" }));
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(script);
  });
}

async function sample() {
  if (runner === "wasmoon") {
    await loadScript("/wasmoon/index.js");
    const url = await blobOf("/wasmoon/glue.wasm");
    const start = performance.now();
    const engine = await new globalThis.wasmoon.LuaFactory(url).createEngine();
    const result = String(await engine.doString("return 1+1"));
    return { ms: performance.now() - start, result };
  }
  const glue = await import(`/m/${runner}/main/lua_wasm.js`);
  const url = await blobOf(`/m/${runner}/main/lua_wasm_bindgen_bg.wasm`);
  const start = performance.now();
  await glue.default({ module_or_path: url });
  const result = new glue.LuaVm().exec("return 1+1");
  return { ms: performance.now() - start, result };
}

try {
  parent.postMessage({ nonce, ...(await sample()) }, location.origin);
} catch (error) {
  parent.postMessage({ nonce, error: `${error.name}: ${error.message}` }, location.origin);
}
