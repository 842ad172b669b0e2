//! The body of the `lua_source` fuzz target, shared through `#[path]` with the seed replay in
//! `cargo test` (lua-wasm/tests/fuzz_seeds.rs).

use lua_allocators::{Checked, LeakReport};
use lua_wasm::{Lua, Options, SelectedBackend};

/// Small enough that "huge" inputs reach it quickly.
pub const MEMORY_LIMIT: usize = 2 << 20;
/// Enough for the conformance seeds; each instruction can still copy up to the memory limit.
pub const INSTRUCTION_LIMIT: u32 = 500_000;

/// Runs `data` (as text; invalid UTF-8 becomes U+FFFD) in a fresh state on the selected backend
/// under `Checked`, and panics on any broken guarantee. Any Lua error is a fine outcome.
pub fn run(data: &[u8]) {
    let source = String::from_utf8_lossy(data);
    let options = Options { memory_limit: MEMORY_LIMIT, instruction_limit: INSTRUCTION_LIMIT, ..Options::default() };
    let lua = Lua::with_backend(Checked::new(SelectedBackend::default()), options).expect("a state opens under the limits");
    let _ = lua.exec(&source, Some("fuzz"));
    let _ = lua.take_output();
    let peak = lua.memory_stats().alloc.peak_bytes;
    assert!(peak <= MEMORY_LIMIT, "peak {peak} bytes over the {MEMORY_LIMIT}-byte limit");
    // The state still runs code (with the limit lifted, since the input may have filled it;
    // no results, so no `__tostring` the input may have replaced).
    lua.set_memory_limit(0);
    if let Err(error) = lua.exec("local x = {} x[1] = 1 + #x", Some("follow-up")) {
        panic!("the state is unusable after the input: {error}");
    }
    lua.close_and_inspect(|stats, checked: &Checked<SelectedBackend>| {
        assert_eq!(stats.live_bytes, 0, "bytes live after close");
        assert_eq!(checked.leak_report(), LeakReport::default(), "blocks live after close");
    });
}
