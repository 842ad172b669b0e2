
/** Where init() finds the module: its URL, a fetch of it, its bytes, or the compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Fetches and instantiates the module; every other export throws until it has resolved.
 * Without `input` the `.wasm` is loaded from beside this file, with
 * `new URL("lua_wasm_bindgen_bg.wasm", import.meta.url)` (Vite and webpack 5 copy it; with
 * esbuild, copy it next to the bundle or pass its URL). Calling it again returns at once.
 */
export function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function initSync(module: BufferSource | WebAssembly.Module): void;

export default init;
