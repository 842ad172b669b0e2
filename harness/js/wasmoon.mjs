// The wasmoon peer (npm `wasmoon`: Lua 5.4 built with Emscripten), behind the same small
// interface as our modules in measure.mjs and cold_start.mjs. `cargo harness report` uses it as
// the reference a JavaScript user would otherwise pick.
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Where wasmoon's files are; throws when the package is not installed. */
export function wasmoonFiles() {
  return { js: require.resolve("wasmoon"), wasm: require.resolve("wasmoon/dist/glue.wasm") };
}

/**
 * Makes wasmoon's own read of glue.wasm (Emscripten's synchronous fs.readFileSync in Node)
 * return `bytes`, so its start-up, like ours, begins with the module bytes in memory.
 */
export function serveWasmFromMemory(path, bytes) {
  const read = fs.readFileSync;
  fs.readFileSync = (file, ...rest) => (String(file) === path ? bytes : read(file, ...rest));
}

/** Imports wasmoon's JavaScript; returns its LuaFactory class. */
export async function importWasmoon() {
  const { LuaFactory } = await import(wasmoonFiles().js);
  return LuaFactory;
}
