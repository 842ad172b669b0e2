// Types of lua_wasm.js (written by `cargo harness build` from lua-wasm/js/).

export interface LuaVmOptions {
  /** Bytes the VM may hold at once; 0 or absent = no limit. */
  memoryLimit?: number;
  /** Lua instructions allowed per exec(); 0 or absent = no limit. */
  instructionLimit?: number;
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
  heapBytes: number;
  growCount: number;
}

/** Thrown by exec() and registerModule(): `name` is "LuaError", `message` is Lua's message. */
export interface LuaError extends Error {
  name: "LuaError";
  traceback: string;
}

export class LuaVm {
  constructor(options?: LuaVmOptions);
  /** Runs a text chunk; returns its results through tostring, joined by "\t" ("" when none). */
  exec(code: string, chunkName?: string): string;
  /** Everything print/io.write wrote since the last call. */
  takeOutput(): string;
  memoryStats(): MemoryStats;
  /** Bytes, 0 = none. */
  setMemoryLimit(bytes: number): void;
  /** Makes require(name) load source. */
  registerModule(name: string, source: string): void;
  /** Releases the state; any later call throws. */
  free(): void;
  [Symbol.dispose](): void;
}

/** The allocator backend compiled into this module. */
export function backendName(): string;
