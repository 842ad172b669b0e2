// Types of lua_wasm.js (written by `cargo harness build` from lua-wasm/js/: this file, then
// node-footer.d.ts or web-footer.d.ts).

export interface LuaVmOptions {
  /** Bytes the VM may hold at once (values converted from JS count too); 0 or absent = no limit. */
  memoryLimit?: number;
  /**
   * Lua instructions allowed per call into Lua (run, call, a Lua function called from JS, ...),
   * counted over every coroutine; 0 or absent = no limit. Checked every 1,000 instructions.
   */
  instructionLimit?: number;
  /**
   * Milliseconds allowed per call into Lua; 0 or absent = no limit. Checked every 1,000
   * instructions and every 16 calls, so loops of expensive library calls end too; one long call
   * into C (a pattern that backtracks heavily) is not interrupted.
   */
  timeLimit?: number;
  /**
   * Trusted code may load binary chunks and set `__gc` metamethods, whose finalizers Lua runs
   * outside every limit. Default false: `load` takes text only and `setmetatable` refuses `__gc`.
   */
  trusted?: boolean;
  /** What `io.read` and `io.stdin` read (a string as UTF-8); end of file after it. */
  stdin?: string | Uint8Array;
  /** The variables `os.getenv` sees; none by default. */
  env?: Record<string, string>;
  /** Receives each chunk written to standard output (`print`, `io.write`) instead of `takeOutput`. */
  stdout?: (chunk: string) => void;
  /** Receives each chunk written to standard error (`io.stderr`, warnings) instead of `takeErrorOutput`. */
  stderr?: (chunk: string) => void;
}

/**
 * A VM's in-memory file system: what Lua's `io`, `os.remove`, `os.rename`, `loadfile`, `dofile`
 * and `require` see. Paths are absolute from one root (`a/b` is `/a/b`; `..` stops at the root).
 * File bytes live in the VM's heap and count against its memory limit. Failures throw a
 * LuaError of kind "io" ("memory" for a file past the limit).
 */
export interface LuaFs {
  /** Writes a whole file (a string as UTF-8), creating missing directories. */
  writeFile(path: string, data: string | Uint8Array): void;
  readFile(path: string): Uint8Array;
  /** The names in a directory, sorted. */
  readdir(path: string): string[];
  /** Creates a directory and its missing parents. */
  mkdir(path: string): void;
  /** Removes a file or an empty directory. */
  unlink(path: string): void;
  exists(path: string): boolean;
}

export interface MemoryStats {
  backend: string;
  liveBytes: number;
  peakBytes: number;
  allocations: number;
  reallocations: number;
  frees: number;
  failedAllocations: number;
  limitBytes: number;
  /** Linear memory this VM's backend holds now. */
  heapBytes: number;
  /** The most linear memory this VM's backend has held. */
  peakHeapBytes: number;
  growCount: number;
}

/** What failed: matches the Rust crate's `ErrorKind`. */
export type LuaErrorKind = "syntax" | "runtime" | "memory" | "instructionLimit" | "timeLimit" | "handler" | "conversion" | "closed" | "io" | "exit";

/**
 * A Lua error, thrown by every method that runs Lua: `name` is "LuaError", `message` is what
 * `lua.c` would print (the string or number raised, the result of `__tostring`, else
 * "(error object is a X value)").
 *
 * A JavaScript exception thrown by a JS function that Lua called, and not caught in Lua, is
 * thrown as the original JS value instead.
 */
export interface LuaError extends Error {
  name: "LuaError";
  kind: LuaErrorKind;
  /** Lua's traceback where the error was raised ("" for syntax errors). */
  traceback: string;
  /** The Lua error object, converted (`error({code = 7})` gives `{ code: 7 }`). */
  value: LuaValue;
}

/**
 * Thrown when Lua calls `os.exit(code)`: the call ends there (even inside `pcall`) and the VM
 * stays usable. `os.exit(true)` is code 0, `os.exit(false)` code 1.
 */
export interface LuaExit extends Error {
  name: "LuaExit";
  kind: "exit";
  code: number;
  traceback: string;
}

/**
 * A value as it crosses between Lua and JavaScript.
 *
 * JS -> Lua: `undefined`/`null` become nil; integral numbers in [-2^63, 2^63) (not -0) become
 * integers, other numbers floats; BigInt within int64 an integer (else `RangeError`); strings
 * UTF-8 strings; `Uint8Array` a string of exactly those bytes; Arrays sequence tables; plain
 * objects and Maps tables; functions Lua functions; any other object a userdata proxy
 * (`obj.key`, `obj.key = v`, `obj:method(...)`, `#obj`, `tostring(obj)`).
 *
 * Lua -> JS: nil is `undefined`; integers within 2^53 numbers, others BigInt; floats numbers;
 * UTF-8 strings strings, other strings `Uint8Array`; a table with keys exactly 1..n an Array,
 * one with string/number keys a plain object (a `Map` when two keys would give the same name or
 * a key is not UTF-8), any other table a `Map`; functions JS functions; proxies the original
 * object; coroutines and other userdata opaque objects whose `toString()` is Lua's `tostring`.
 *
 * The same object met twice in one conversion stays one object (cycles are kept); nesting
 * deeper than 100 tables is a `RangeError`.
 */
export type LuaValue = any;

/** A Lua function seen from JS: call it with JS values; it returns its first result. */
export type LuaFunction = (...args: LuaValue[]) => LuaValue;

// `Symbol.dispose` (for `using vm = new LuaVm()`), declared as lib.esnext.disposable and
// @types/node declare it, so that these types compile without either.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

export class LuaVm {
  /** A new Lua state (5.4 or 5.5: see `luaVersion()`). Unknown options are a `TypeError`, out-of-range ones a `RangeError`. */
  constructor(options?: LuaVmOptions);
  /** Runs a text chunk; returns its results through tostring, joined by "\t" ("" when none). */
  exec(code: string, chunkName?: string): string;
  /**
   * Runs a text chunk; returns its first result, converted (undefined when none). `chunkName`
   * names the chunk in messages (`name:1: ...`); without it Lua quotes the source.
   */
  run(code: string, chunkName?: string): LuaValue;
  /** Runs a text chunk; returns every result, converted, as an Array. */
  runAll(code: string, chunkName?: string): LuaValue[];
  /**
   * Runs a text chunk in a coroutine where Lua may wait for promises: `await(p)` (a global) and
   * `p:await()` (on a promise given to Lua) suspend the chunk until `p` settles and return the
   * fulfilled value, converted, or raise a Lua error with the rejection (uncaught, this promise
   * rejects with the original value). Several calls may be pending and interleave at awaits;
   * synchronous calls work meanwhile. The instruction and time limits count the whole call
   * (time spent waiting excluded). `free()` rejects pending calls with "this LuaVm has been freed".
   */
  runAsync(code: string, chunkName?: string): Promise<LuaValue>;
  /** The global `name`, converted. */
  get(name: string): LuaValue;
  /** Sets the global `name` (undefined/null = nil). */
  set(name: string, value: LuaValue): void;
  /** Calls the global function `name` with `args` (one conversion); its first result, converted. */
  call(name: string, ...args: LuaValue[]): LuaValue;
  /** Everything print/io.write wrote since the last call (bytes that are not UTF-8 become U+FFFD). */
  takeOutput(): string;
  /** Everything print/io.write wrote since the last call, byte for byte. */
  takeOutputBytes(): Uint8Array;
  /** Everything `io.stderr` and warnings wrote since the last call. */
  takeErrorOutput(): string;
  takeErrorOutputBytes(): Uint8Array;
  /** The VM's in-memory file system. */
  readonly fs: LuaFs;
  memoryStats(): MemoryStats;
  /** Bytes, 0 = none. */
  setMemoryLimit(bytes: number): void;
  /** Instructions per call into Lua, 0 = none. */
  setInstructionLimit(instructions: number): void;
  /** Milliseconds per call into Lua, 0 = none. */
  setTimeLimit(milliseconds: number): void;
  /** Runs a full garbage collection. */
  collectGarbage(): void;
  /** Compiles `source` now (throwing its syntax error as a LuaError) and makes `require(name)` run it. */
  registerModule(name: string, source: string): void;
  /**
   * Releases the state and everything it holds; any later call (including of a Lua function
   * obtained from this VM) throws "this LuaVm has been freed". Calling it twice is harmless;
   * calling it while Lua is running (from a JS function Lua called) throws and frees nothing.
   */
  free(): void;
  [Symbol.dispose](): void;
}

/** The allocator backend compiled into this module. */
export function backendName(): string;

/** The byte size of the module's whole linear memory (all its VMs and its own heap), as `WebAssembly.Memory` reports it. */
export function linearMemoryBytes(): number;

/** The Lua version compiled into this module (cargo feature `lua54` or `lua55` of lua-wasm). */
export function luaVersion(): "5.4" | "5.5";
