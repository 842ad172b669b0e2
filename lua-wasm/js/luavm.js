// The public LuaVm class, wrapped around wasm-bindgen's. The harness writes this file into
// target/lua-wasm/<backend>/{node,web}/lua_wasm.js between a module header and footer
// (CommonJS for Node, ES module for the web) that define `raw`, wasm-bindgen's generated module.
//
// What the wrapper adds: a clear error after free() (wasm-bindgen's own says "null pointer
// passed to rust"), and a trap in the module (a wasm RuntimeError: a bug, or the engine's own
// stack exhausted) turned into an Error saying the module is no longer usable, because a trap
// can leave any state of the module half-updated.

let trapped = null;

// A wasm trap, the engine's stack exhausted inside wasm, or wasm-bindgen's own report that the
// module was terminated by an earlier one.
function isTrap(error) {
  return error instanceof WebAssembly.RuntimeError ||
    (error instanceof RangeError && /call stack/i.test(error.message)) ||
    (error instanceof Error && error.message === "Module terminated");
}

function guarded(call) {
  if (trapped) {
    throw new Error(`the Lua module trapped earlier (${trapped.message}) and is no longer usable; load it again`);
  }
  try {
    return call();
  } catch (error) {
    if (isTrap(error)) {
      trapped = error;
      throw new Error(`the Lua module trapped (${error.message}) and is no longer usable; load it again`, { cause: error });
    }
    throw error;
  }
}

class LuaVm {
  #inner;

  /** @param {{memoryLimit?: number, instructionLimit?: number}} [options] bytes and instructions, 0 = none */
  constructor(options) {
    this.#inner = guarded(() => new raw.LuaVm(options));
  }

  #vm() {
    if (!this.#inner) throw new Error("this LuaVm has been freed");
    return this.#inner;
  }

  /** Runs a text chunk; returns its results through tostring, joined by "\t". Throws LuaError. */
  exec(code, chunkName) {
    return guarded(() => this.#vm().exec(code, chunkName));
  }

  /** Everything print/io.write wrote since the last call. */
  takeOutput() {
    return guarded(() => this.#vm().takeOutput());
  }

  /** { backend, liveBytes, peakBytes, allocations, reallocations, frees, failedAllocations, limitBytes, heapBytes, growCount } */
  memoryStats() {
    return guarded(() => this.#vm().memoryStats());
  }

  /** Bytes, 0 = none. */
  setMemoryLimit(bytes) {
    return guarded(() => this.#vm().setMemoryLimit(bytes));
  }

  /** Makes require(name) load source. */
  registerModule(name, source) {
    return guarded(() => this.#vm().registerModule(name, source));
  }

  /** Releases the state; any later call throws. Calling it twice is harmless. */
  free() {
    if (this.#inner) {
      const inner = this.#inner;
      this.#inner = null;
      guarded(() => inner.free());
    }
  }
}

if (Symbol.dispose) LuaVm.prototype[Symbol.dispose] = LuaVm.prototype.free;

/** The allocator backend compiled into this module. */
function backendName() {
  return guarded(() => raw.backendName());
}
