// The public LuaVm class, wrapped around wasm-bindgen's. The harness writes this file into
// target/lua-wasm/<backend>/{node,web}/lua_wasm.js between a module header and footer
// (CommonJS for Node, ES module for the web) that define `raw` (wasm-bindgen's module), `init`
// and `assertReady`.
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
  #fs;

  /** @param {{memoryLimit?: number, instructionLimit?: number, timeLimit?: number, trusted?: boolean, stdin?: string | Uint8Array, env?: Record<string, string>, stdout?: (chunk: string) => void, stderr?: (chunk: string) => void}} [options] bytes, instructions and milliseconds per call (0 = none); trusted allows binary chunks and __gc; stdin is what io.read reads; env what os.getenv sees; stdout/stderr receive each chunk written instead of the buffers */
  constructor(options) {
    assertReady();
    this.#inner = guarded(() => new raw.LuaVm(options));
    const vm = () => this.#vm();
    this.#fs = Object.freeze({
      /** Writes a whole file (string as UTF-8, or Uint8Array), creating missing directories. */
      writeFile: (path, data) => guarded(() => vm().fsWriteFile(path, data)),
      /** A whole file's bytes. */
      readFile: (path) => guarded(() => vm().fsReadFile(path)),
      /** The names in a directory, sorted. */
      readdir: (path) => guarded(() => vm().fsReaddir(path)),
      /** Creates a directory and its missing parents. */
      mkdir: (path) => guarded(() => vm().fsMkdir(path)),
      /** Removes a file or an empty directory. */
      unlink: (path) => guarded(() => vm().fsUnlink(path)),
      /** Whether a file or directory exists. */
      exists: (path) => guarded(() => vm().fsExists(path)),
    });
  }

  /** The VM's in-memory file system, which Lua's io, os.remove/rename, loadfile, dofile and require use. */
  get fs() {
    return this.#fs;
  }

  #vm() {
    if (!this.#inner) throw new Error("this LuaVm has been freed");
    return this.#inner;
  }

  /** Runs a text chunk; returns its results through tostring, joined by "\t". Throws LuaError. */
  exec(code, chunkName) {
    return guarded(() => this.#vm().exec(code, chunkName));
  }

  /** Runs a text chunk; returns its first result, converted (undefined when none). */
  run(code, chunkName) {
    return guarded(() => this.#vm().run(code, chunkName));
  }

  /** Runs a text chunk; returns every result, converted, as an Array. */
  runAll(code, chunkName) {
    return guarded(() => this.#vm().runAll(code, chunkName));
  }

  /** Runs a text chunk in a coroutine where Lua may await promises (`await(p)`, `p:await()`);
   * resolves to its first result, converted. */
  runAsync(code, chunkName) {
    return guarded(() => this.#vm().runAsync(code, chunkName));
  }

  /** The global `name`, converted. */
  get(name) {
    return guarded(() => this.#vm().get(name));
  }

  /** Sets the global `name` (undefined/null = nil). */
  set(name, value) {
    guarded(() => this.#vm().set(name, value));
  }

  /** Calls the global function `name`; its first result, converted. */
  call(name, ...args) {
    return guarded(() => this.#vm().call(name, args));
  }

  /** Everything print/io.write wrote since the last call. */
  takeOutput() {
    return guarded(() => this.#vm().takeOutput());
  }

  /** Everything print/io.write wrote since the last call, byte for byte. */
  takeOutputBytes() {
    return guarded(() => this.#vm().takeOutputBytes());
  }

  /** Everything io.stderr and warnings wrote since the last call. */
  takeErrorOutput() {
    return guarded(() => this.#vm().takeErrorOutput());
  }

  /** Everything io.stderr and warnings wrote since the last call, byte for byte. */
  takeErrorOutputBytes() {
    return guarded(() => this.#vm().takeErrorOutputBytes());
  }

  /** { backend, liveBytes, peakBytes, allocations, reallocations, frees, failedAllocations, limitBytes, heapBytes, peakHeapBytes, growCount } */
  memoryStats() {
    return guarded(() => this.#vm().memoryStats());
  }

  /** Bytes, 0 = none. */
  setMemoryLimit(bytes) {
    return guarded(() => this.#vm().setMemoryLimit(bytes));
  }

  /** Instructions per call, 0 = none. */
  setInstructionLimit(instructions) {
    return guarded(() => this.#vm().setInstructionLimit(instructions));
  }

  /** Milliseconds per call, 0 = none. */
  setTimeLimit(milliseconds) {
    return guarded(() => this.#vm().setTimeLimit(milliseconds));
  }

  /** Runs a full garbage collection. */
  collectGarbage() {
    return guarded(() => this.#vm().collectGarbage());
  }

  /** Compiles source now (throwing its syntax error) and makes require(name) run it. */
  registerModule(name, source) {
    return guarded(() => this.#vm().registerModule(name, source));
  }

  /** Releases the state; any later call throws. Calling it twice is harmless; calling it while
   * Lua is running (from a JS function Lua called) throws and frees nothing. */
  free() {
    if (!this.#inner) return;
    if (guarded(() => this.#inner.isRunning())) {
      throw new Error("cannot free this LuaVm while Lua is running; free it after the call returns");
    }
    const inner = this.#inner;
    this.#inner = null;
    guarded(() => inner.free());
  }
}

if (Symbol.dispose) LuaVm.prototype[Symbol.dispose] = LuaVm.prototype.free;

/** The byte size of the module's whole linear memory (all its VMs and its own heap). */
function linearMemoryBytes() {
  assertReady();
  return guarded(() => raw.linearMemoryBytes());
}

/** The allocator backend compiled into this module. */
function backendName() {
  assertReady();
  return guarded(() => raw.backendName());
}

/** The Lua version compiled into this module: "5.4" or "5.5". */
function luaVersion() {
  assertReady();
  return guarded(() => raw.luaVersion());
}
