//! The same measurements in headless Chromium: `node harness/js/chromium.mjs` serves
//! browser_measure.mjs, which times cold start, VM init and the workloads of every module and of
//! wasmoon in one page, with no DevTools client attached (one makes every thrown wasm exception,
//! so every Lua error and coroutine yield, ~15x slower), and reports the raw samples.

use super::measure::Samples;
use super::workloads::Workload;
use crate::shell::workspace_root;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

/// How many samples of each kind the page takes.
pub struct Plan {
    pub cold_runs: usize,
    pub init_total: usize,
    pub init_batches: usize,
    /// VMs created per timed group (the page's clock has 5 µs resolution; a VM takes ~30).
    pub init_group: usize,
    pub reps: usize,
}

pub struct Chromium {
    /// `HeadlessChrome/<version>` from the page's user agent.
    pub version: String,
    pub cold: BTreeMap<String, Vec<f64>>,
    /// Per-VM times (each the mean of a group).
    pub init: BTreeMap<String, Vec<f64>>,
    pub results: BTreeMap<(String, String), String>,
    pub samples: Samples,
}

/// Runs every workload in `workloads` on every module of `modules` (name, web dir) and on wasmoon
/// when `wasmoon`; `micro` (name, workloads) on the runners named there only.
pub fn measure(modules: &[(String, String)], wasmoon: bool, workloads: &[Workload], micro: (&[String], &[Workload]), plan: &Plan) -> Result<Chromium, String> {
    let (micro_runners, micro_workloads) = micro;
    let sources: serde_json::Map<String, Value> =
        workloads.iter().chain(micro_workloads).map(|w| (w.name.clone(), json!(w.path.to_string_lossy()))).collect();
    let config = json!({
        "modules": modules.iter().map(|(name, dir)| (name.clone(), json!(dir))).collect::<serde_json::Map<_, _>>(),
        "wasmoon": wasmoon,
        "sources": sources,
        "plan": {
            "coldRuns": plan.cold_runs,
            "initTotal": plan.init_total,
            "initBatches": plan.init_batches,
            "initGroup": plan.init_group,
            "reps": plan.reps,
            "workloads": workloads.iter().map(|w| w.name.clone()).collect::<Vec<_>>(),
            "micro": micro_workloads.iter().map(|w| w.name.clone()).collect::<Vec<_>>(),
            "microRunners": micro_runners,
        },
    });
    let out = Command::new("node")
        .args(["harness/js/chromium.mjs", &config.to_string()])
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err("chromium.mjs failed (see above)".into());
    }
    let answer: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("chromium.mjs printed no JSON: {e}"))?;
    parse(&answer)
}

fn numbers(v: &Value) -> Result<Vec<f64>, String> {
    v.as_array().ok_or("not a list")?.iter().map(|x| x.as_f64().ok_or_else(|| "not a number".to_owned())).collect()
}

fn per_runner(v: &Value) -> Result<BTreeMap<String, Vec<f64>>, String> {
    v.as_object().ok_or("not an object")?.iter().map(|(runner, times)| Ok((runner.clone(), numbers(times)?))).collect()
}

fn parse(answer: &Value) -> Result<Chromium, String> {
    if answer["crossOriginIsolated"] != true {
        return Err("the page is not cross-origin isolated (its clock would be coarse)".into());
    }
    let agent = answer["userAgent"].as_str().unwrap_or_default();
    let version = agent.split_whitespace().find(|w| w.starts_with("HeadlessChrome/") || w.starts_with("Chrome/")).unwrap_or(agent).to_owned();
    let mut results = BTreeMap::new();
    for (runner, by_workload) in answer["results"].as_object().ok_or("no results")? {
        for (workload, result) in by_workload.as_object().ok_or("no results")? {
            results.insert((runner.clone(), workload.clone()), result.as_str().unwrap_or_default().to_owned());
        }
    }
    let mut samples = Samples::new();
    for (runner, by_workload) in answer["samples"].as_object().ok_or("no samples")? {
        for (workload, times) in by_workload.as_object().ok_or("no samples")? {
            samples.insert((runner.clone(), workload.clone()), numbers(times)?);
        }
    }
    Ok(Chromium { version, cold: per_runner(&answer["cold"])?, init: per_runner(&answer["init"])?, results, samples })
}
