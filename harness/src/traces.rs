//! `cargo harness traces`: records the allocation trace of every workload on wasm32 (so object
//! sizes are the wasm ones: a Table is 32 bytes there, 56 on x86_64) into `target/traces/`, and
//! checks that each replays natively exactly as it ran on wasm: same operation count, same peak
//! of live bytes. The criterion benches (`replay/*` groups) and `bench-wasm` use these traces.

use crate::build;
use crate::progress::step;
use crate::shell::workspace_root;
use lua_allocators::{System, replay};
use std::path::PathBuf;

/// What recording one workload produced.
pub struct Recorded {
    pub name: String,
    pub path: PathBuf,
    pub ops: usize,
    pub peak_live: usize,
}

pub fn run() -> Result<(), String> {
    let recorded = record_all()?;
    println!("| workload | ops | peak live (wasm) | trace bytes |");
    println!("|---|---:|---:|---:|");
    for r in &recorded {
        let bytes = std::fs::metadata(&r.path).map(|m| m.len()).unwrap_or(0);
        println!("| {} | {} | {} | {} |", r.name, r.ops, r.peak_live, bytes);
    }
    Ok(())
}

/// Records (with the talc build) and verifies every workload's trace.
pub fn record_all() -> Result<Vec<Recorded>, String> {
    let module = step("build the measurement module (talc)", || build::build_bench("talc"))?;
    let out = benches::trace_dir();
    let config = serde_json::json!({
        "mode": "record",
        "module": module,
        "workloads": workload_list(),
        "out": out,
    });
    step("record one trace per workload on wasm32", || node_json(&config).map(|_| ()))?;
    step("replay each trace natively: same ops and peak as on wasm", || {
        benches::workloads().iter().map(|w| verify(&out, &w.name)).collect()
    })
}

fn verify(dir: &std::path::Path, name: &str) -> Result<Recorded, String> {
    let path = dir.join(format!("{name}.trace"));
    let trace = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let (ops, peak) = (meta["ops"].as_u64().unwrap_or(0) as usize, meta["peakLive"].as_u64().unwrap_or(0) as usize);
    let native = replay(&trace, &mut System).map_err(|e| format!("{name}: trace does not decode at byte {}", e.offset))?;
    if native.ops != ops || native.peak_live != peak || native.failed != 0 || native.leaked != 0 {
        return Err(format!(
            "{name}: wasm recorded {ops} ops, peak {peak}; native replay gave {} ops, peak {}, {} failed, {} leaked",
            native.ops, native.peak_live, native.failed, native.leaked
        ));
    }
    eprintln!("    {name}: {ops} ops, peak {peak} bytes: identical");
    Ok(Recorded { name: name.to_owned(), path, ops, peak_live: peak })
}

/// `[{ name, path }]` of every workload script.
pub fn workload_list() -> Vec<serde_json::Value> {
    benches::workloads()
        .iter()
        .map(|w| serde_json::json!({ "name": w.name, "path": benches::workload_dir().join(format!("{}.lua", w.name)) }))
        .collect()
}

/// Runs harness/js/bench_wasm.mjs with a JSON config and parses its JSON output.
pub fn node_json(config: &serde_json::Value) -> Result<serde_json::Value, String> {
    let script = workspace_root().join("harness/js/bench_wasm.mjs");
    let output = std::process::Command::new("node")
        .arg(script)
        .arg(config.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!("bench_wasm.mjs failed ({})", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("bench_wasm.mjs printed no JSON: {e}"))
}
