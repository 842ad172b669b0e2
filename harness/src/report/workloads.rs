//! The Lua workloads: every `benches/lua/*.lua`, `init` first, then by name. Each returns a
//! checksum string, so native, wasm and wasmoon runs can be checked against each other.

use std::path::PathBuf;

#[derive(Clone)]
pub struct Workload {
    pub name: String,
    pub path: PathBuf,
    pub source: String,
}

/// The workload that does nothing: a fresh state and one exec.
pub const INIT: &str = "init";

pub fn load() -> Result<Vec<Workload>, String> {
    let mut workloads: Vec<Workload> = benches::workloads()
        .into_iter()
        .map(|w| Workload { path: benches::workload_dir().join(format!("{}.lua", w.name)), name: w.name, source: w.source })
        .collect();
    workloads.sort_by(|a, b| (a.name != INIT, &a.name).cmp(&(b.name != INIT, &b.name)));
    if workloads.first().is_none_or(|w| w.name != INIT) {
        return Err(format!("{} has no {INIT}.lua", benches::workload_dir().display()));
    }
    Ok(workloads)
}
