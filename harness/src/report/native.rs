//! Native Lua (system allocator) in the harness process: the speed floor of the report.

use super::measure::{Memory, Run};
use lua_wasm::{Lua, Options};
use std::time::Instant;

/// Time of creating one state (newstate + openlibs).
pub fn init_time() -> Result<f64, String> {
    let start = Instant::now();
    let lua = Lua::new(Options::default()).map_err(|e| e.message)?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    lua.close();
    Ok(ms)
}

/// One run of `source` on a fresh state; only the exec is timed. The system allocator takes no
/// pages of its own, so only live and peak bytes are known.
pub fn run(name: &str, source: &str) -> Result<Run, String> {
    let lua = Lua::new(Options::default()).map_err(|e| e.message)?;
    let memory = |lua: &Lua| {
        let alloc = lua.memory_stats().alloc;
        Memory { live_bytes: alloc.live_bytes as u64, peak_bytes: alloc.peak_bytes as u64, heap_bytes: 0, grow_count: 0 }
    };
    let init = memory(&lua);
    let chunk = format!("={name}");
    let start = Instant::now();
    let result = lua.exec(source, Some(&chunk)).map_err(|e| format!("{name}: {}", e.message))?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let after = memory(&lua);
    lua.close();
    Ok(Run { ms, result, init: Some(init), after: Some(after) })
}
