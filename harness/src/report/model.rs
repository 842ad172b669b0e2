//! What a report holds: the shape of `reports/latest.json` and `reports/baseline.json`.
//! Times are in milliseconds, sizes and memory in bytes.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub generated_by: String,
    pub provenance: Provenance,
    pub settings: Settings,
    /// Workload names, in the order the tables show them (`init` first).
    pub workloads: Vec<String>,
    pub backends: Vec<Backend>,
    pub native: Native,
    pub wasmoon: Wasmoon,
    pub targets: Vec<Target>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Provenance {
    pub git_revision: String,
    pub git_dirty: bool,
    pub date_utc: String,
    pub cpu: String,
    pub cores: usize,
    pub os: String,
    pub rustc: String,
    pub clang: String,
    pub node: String,
    pub wasm_bindgen: String,
    pub wasm_opt: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    pub cold_start_runs: usize,
    pub vm_init_runs: usize,
    pub workload_reps: usize,
    /// The gate of `cargo harness check`, in percent over the baseline.
    pub tolerance_percent: f64,
}

/// Median and minimum of `n` samples.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    pub median_ms: f64,
    pub min_ms: f64,
    pub n: usize,
}

/// One wasm backend. Timings are `None` in `cargo harness check`, which measures no time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Backend {
    pub name: String,
    /// The shipped module (after wasm-opt and wasm-bindgen), raw and gzip -9.
    pub wasm_bytes: u64,
    pub wasm_gzip_bytes: u64,
    /// `lua_wasm.js` + `lua_wasm_bindgen.js` of the web target.
    pub js_glue_bytes: u64,
    /// The cdylib as rustc linked it, and whether wasm-opt -Oz ran on it.
    pub linked_wasm_bytes: u64,
    pub wasm_opt: bool,
    pub cold_start: Option<Timing>,
    pub vm_init: Option<Timing>,
    /// Live bytes after newstate + openlibs.
    pub live_after_init: u64,
    pub workloads: Vec<WorkloadFigures>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadFigures {
    pub name: String,
    pub checksum: String,
    pub time: Option<Timing>,
    pub peak_live_bytes: u64,
    /// Linear memory this VM's backend took (`heapBytes`), and in how many `memory.grow` calls.
    pub grown_bytes: u64,
    pub grow_count: u64,
    /// peak live / grown.
    pub efficiency: f64,
}

/// Native Lua on the system allocator, in the harness process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Native {
    pub vm_init: Timing,
    pub live_after_init: u64,
    pub workloads: Vec<NativeWorkload>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NativeWorkload {
    pub name: String,
    pub checksum: String,
    pub time: Timing,
    pub peak_live_bytes: u64,
}

/// The npm `wasmoon` peer, or why it was skipped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Wasmoon {
    pub skipped: Option<String>,
    pub version: String,
    pub wasm_bytes: u64,
    pub wasm_gzip_bytes: u64,
    pub js_glue_bytes: u64,
    pub cold_start: Option<Timing>,
    pub vm_init: Option<Timing>,
    pub workloads: Vec<PeerWorkload>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeerWorkload {
    pub name: String,
    pub checksum: String,
    pub time: Timing,
}

/// A PRP target for one backend: pass when `value < limit`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Target {
    pub backend: String,
    pub what: String,
    pub value: f64,
    pub limit: f64,
    pub unit: String,
    pub pass: bool,
}

impl Backend {
    pub fn workload(&self, name: &str) -> Option<&WorkloadFigures> {
        self.workloads.iter().find(|w| w.name == name)
    }
}

impl Native {
    pub fn workload(&self, name: &str) -> Option<&NativeWorkload> {
        self.workloads.iter().find(|w| w.name == name)
    }
}

impl Wasmoon {
    pub fn workload(&self, name: &str) -> Option<&PeerWorkload> {
        self.workloads.iter().find(|w| w.name == name)
    }
}
