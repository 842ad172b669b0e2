//! Native Lua on the system allocator: the speed floor of the report. The Lua version the
//! harness is built with (5.4) runs in this process; another one runs in the `native_measure`
//! example of the benches crate, built for it and spoken to like measure.mjs (see node.rs).

use super::measure::{Memory, Run};
use crate::backends::Lua;
use crate::shell::{self, workspace_root};

/// The Lua version of this process's own native runner.
pub const IN_PROCESS: Lua = Lua::V54;

/// Time of creating one state (newstate + openlibs).
pub fn init_time() -> Result<f64, String> {
    benches::native::init_ms()
}

/// One run of `source` on a fresh state; only the exec is timed. The system allocator takes no
/// pages of its own, so only live and peak bytes are known.
pub fn run(name: &str, source: &str) -> Result<Run, String> {
    let run = benches::native::run(name, source)?;
    let memory = |s: lua_wasm::AllocStats| Memory { live_bytes: s.live_bytes as u64, peak_bytes: s.peak_bytes as u64, peak_heap_bytes: 0, grow_count: 0 };
    Ok(Run { ms: run.ms, result: run.result, init: Some(memory(run.init)), after: Some(memory(run.after)) })
}

/// Builds the `native_measure` example for `lua` and returns its path.
pub fn build_measure(lua: Lua) -> Result<std::path::PathBuf, String> {
    let features = lua.feature();
    shell::run(
        "cargo",
        &["build", "-q", "--release", "-p", "benches", "--example", "native_measure", "--no-default-features", "--features", features],
    )?;
    Ok(workspace_root().join("target/release/examples/native_measure"))
}
