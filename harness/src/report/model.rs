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
    /// Every module: each backend on Lua 5.4, then (when measured) each on Lua 5.5.
    pub backends: Vec<Backend>,
    /// Native Lua 5.4, the reference of the 5.4 modules.
    pub native: Native,
    /// Native Lua 5.5, the reference of the 5.5 modules (reports before 5.5 have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_lua55: Option<Native>,
    pub wasmoon: Wasmoon,
    pub targets: Vec<Target>,
    /// The Chromium that ran the browser columns (`HeadlessChrome/…`), when they were measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium: Option<String>,
    /// Coroutine switch and pcall/error cost (`harness/micro/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub micro: Vec<Micro>,
}

/// One micro benchmark: `ops` operations per run, timed per runner in Node (native Lua: in
/// process) and in Chromium.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Micro {
    pub name: String,
    pub ops: u64,
    pub runs: Vec<MicroRun>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MicroRun {
    pub runner: String,
    pub node: Option<Timing>,
    pub chromium: Option<Timing>,
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

/// One wasm module: a backend on a Lua version. Timings are `None` in `cargo harness check`,
/// which measures no time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Backend {
    /// The backend, and `-lua55` for Lua 5.5 (`talc`, `talc-lua55`).
    pub name: String,
    /// "5.4" or "5.5".
    #[serde(default = "lua54")]
    pub lua: String,
    /// "default", "speed" or "size" (`cargo harness build --profile`).
    #[serde(default = "default_profile")]
    pub profile: String,
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
    /// The same in headless Chromium.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_cold_start: Option<Timing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_vm_init: Option<Timing>,
    /// Live bytes after newstate + openlibs.
    pub live_after_init: u64,
    pub workloads: Vec<WorkloadFigures>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadFigures {
    pub name: String,
    pub checksum: String,
    pub time: Option<Timing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_time: Option<Timing>,
    pub peak_live_bytes: u64,
    /// The most linear memory this VM's backend held (`peakHeapBytes`), and in how many
    /// `memory.grow` calls it took it.
    pub grown_bytes: u64,
    pub grow_count: u64,
    /// peak live / grown.
    pub efficiency: f64,
}

fn lua54() -> String {
    "5.4".into()
}

fn default_profile() -> String {
    "default".into()
}

/// Native Lua on the system allocator (5.4 in the harness process, 5.5 in `native_measure`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Native {
    /// The Lua release, such as "5.4.9" (empty in reports from before it was recorded).
    #[serde(default)]
    pub release: String,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_cold_start: Option<Timing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_vm_init: Option<Timing>,
    pub workloads: Vec<PeerWorkload>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeerWorkload {
    pub name: String,
    pub checksum: String,
    pub time: Timing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chromium_time: Option<Timing>,
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

    /// The allocator backend (`talc` for `talc-lua55`, `talc-speed`).
    pub fn allocator(&self) -> &str {
        self.name.split('-').next().unwrap_or(&self.name)
    }
}

impl Report {
    /// The native reference of a module's Lua version.
    pub fn native_of(&self, backend: &Backend) -> Option<&Native> {
        if backend.lua == "5.5" { self.native_lua55.as_ref() } else { Some(&self.native) }
    }

    /// The modules of one Lua version in the default profile.
    pub fn on(&self, lua: &str) -> impl Iterator<Item = &Backend> {
        self.backends.iter().filter(move |b| b.lua == lua && b.profile == "default")
    }

    /// The module of the default backend (the first one) in `profile`, on Lua 5.4.
    pub fn in_profile(&self, profile: &str) -> Option<&Backend> {
        let first = self.backends.first()?;
        self.backends.iter().find(|b| b.lua == "5.4" && b.profile == profile && b.allocator() == first.allocator())
    }

    /// The 5.4 module of the same backend as a 5.5 one.
    pub fn lua54_of(&self, backend: &Backend) -> Option<&Backend> {
        self.on("5.4").find(|b| b.allocator() == backend.allocator())
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
