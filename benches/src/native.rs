//! The native reference of `cargo harness report`: state creation and workload runs on the
//! system allocator (libc, as Lua's own `l_alloc`), timed. The harness calls these in its own
//! process for the Lua version it is built with, and through the `native_measure` example
//! (`examples/native_measure.rs`) for the other one.

use lua_allocators::{AllocStats, System};
use lua_wasm::{Lua, Options};
use std::time::Instant;

/// The Lua release these functions run, such as "5.4.9".
pub const LUA_RELEASE: &str = lua_sys::RELEASE;

fn new_state() -> Result<Lua, String> {
    Lua::with_backend(System::new(), Options::default()).map_err(|e| e.message)
}

/// Milliseconds to create one state (newstate + openlibs).
pub fn init_ms() -> Result<f64, String> {
    let start = Instant::now();
    let lua = new_state()?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    lua.close();
    Ok(ms)
}

/// One run of a workload on a fresh state.
pub struct Measured {
    /// The exec alone.
    pub ms: f64,
    pub result: String,
    /// Allocator figures after openlibs and after the run.
    pub init: AllocStats,
    pub after: AllocStats,
}

/// Runs `source` (chunk name `=name`) on a fresh state; only the exec is timed.
pub fn run(name: &str, source: &str) -> Result<Measured, String> {
    let lua = new_state()?;
    let init = lua.memory_stats().alloc;
    let chunk = format!("={name}");
    let start = Instant::now();
    let result = lua.exec(source, Some(&chunk)).map_err(|e| format!("{name}: {}", e.message))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let after = lua.memory_stats().alloc;
    lua.close();
    Ok(Measured { ms, result, init, after })
}
