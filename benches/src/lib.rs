//! The Lua workloads (`benches/lua/*.lua`) shared by the criterion benches and the wasm harness,
//! a runner that executes one on a fresh state of a given backend, and ([`native`]) the timed
//! native reference of the harness's report.

pub mod adversarial;
pub mod native;

use lua_allocators::{AllocStats, Backend};
use lua_wasm::{Lua, Options};
use std::path::PathBuf;

/// One workload script.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The file stem: `binary_trees`, `churn`, …
    pub name: String,
    pub source: String,
}

/// The folder of the workload scripts.
pub fn workload_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lua")
}

/// Every workload, sorted by name.
pub fn workloads() -> Vec<Workload> {
    let mut scripts: Vec<Workload> = std::fs::read_dir(workload_dir())
        .expect("benches/lua is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "lua"))
        .map(|path| Workload {
            name: path.file_stem().expect("a file name").to_string_lossy().into_owned(),
            source: std::fs::read_to_string(&path).expect("workload is readable UTF-8"),
        })
        .collect();
    scripts.sort_by(|a, b| a.name.cmp(&b.name));
    scripts
}

/// What one run produced.
#[derive(Clone, Debug)]
pub struct Run {
    /// The script's results (its checksum).
    pub result: String,
    /// Allocator figures after the script, before close.
    pub stats: AllocStats,
}

impl Run {
    /// Allocator operations the run performed (allocations, reallocations and frees).
    pub fn allocator_ops(&self) -> u64 {
        self.stats.allocations + self.stats.reallocations + self.stats.frees
    }
}

/// Runs `workload` on a fresh state of `backend` (newstate, openlibs, the script, close).
/// Panics on a Lua error: workloads are expected to succeed.
pub fn run_once<B: Backend + 'static>(backend: B, workload: &Workload) -> Run {
    let lua = Lua::with_backend(backend, Options::default()).expect("state opens");
    let result = lua
        .exec(&workload.source, Some(&workload.name))
        .unwrap_or_else(|e| panic!("workload {} failed: {}", workload.name, e.message));
    let stats = lua.memory_stats().alloc;
    let closed = lua.close();
    assert_eq!(closed.live_bytes, 0, "workload {} leaked after close", workload.name);
    Run { result, stats }
}

/// Where `cargo harness traces` writes the allocation traces recorded on wasm32.
pub fn trace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/traces")
}

/// The recorded wasm traces (`target/traces/<workload>.trace`), sorted by name; empty when
/// none were recorded.
pub fn recorded_traces() -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(trace_dir()) else { return Vec::new() };
    let mut traces: Vec<(String, Vec<u8>)> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "trace"))
        .filter_map(|path| Some((path.file_stem()?.to_string_lossy().into_owned(), std::fs::read(&path).ok()?)))
        .collect();
    traces.sort();
    traces
}
