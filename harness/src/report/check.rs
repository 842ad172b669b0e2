//! `cargo harness check`: the regression gate. Builds every backend on both Lua versions, runs
//! each workload once per module (no timing loops) and compares the deterministic figures (module sizes, live bytes
//! after init, peak live bytes and linear memory grown per workload) with
//! `reports/baseline.json`. A figure more than [`TOLERANCE_PERCENT`] above its baseline fails;
//! so does a changed workload result. `cargo harness report --update-baseline` accepts a change.

use super::model::Backend;
use super::{measure, node, reports_dir, workloads};
use crate::backends::{self, Lua};
use crate::build::{self, Built};
use crate::progress::step;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How far above the baseline a size or memory figure may go before the gate fails.
pub const TOLERANCE_PERCENT: f64 = 1.0;

/// `cargo harness check [--lua 5.4|5.5|all] [BACKEND..]` (both versions by default): builds,
/// then [`gate`].
pub fn run(args: &[String]) -> Result<(), String> {
    let (versions, names) = backends::parse_lua(args, &Lua::ALL)?;
    let built = build::run_versions(&backends::parse(&names)?, &versions)?;
    gate(&built)
}

/// The gate on modules already built (`cargo harness test` calls it last): one run of each
/// workload per backend, compared with the baseline; prints the regression report.
pub fn gate(built: &[Built]) -> Result<(), String> {
    let workloads = workloads::load()?;
    let current = step("workloads: one run each per backend", || {
        let node = node::Session::start(built, false, &workloads)?;
        let mut sessions = measure::Sessions { node, other_native: None };
        let runners: Vec<String> = built.iter().map(|b| b.name()).collect();
        let runs = measure::single_pass(&mut sessions, &runners, &workloads)?;
        // Every module agrees with the first module of its Lua version.
        let first_of = |runner: &str| runners.iter().find(|r| measure::lua_of(r) == measure::lua_of(runner)).cloned().unwrap_or_default();
        measure::check_results(&runs, first_of)?;
        built.iter().map(|b| super::deterministic(b, &runs, &workloads)).collect::<Result<Vec<_>, _>>()
    })?;
    let comparison = compare_with_baseline(&current)?;
    println!("{}", comparison.markdown());
    if comparison.passed() { Ok(()) } else { Err("regression against reports/baseline.json (see the table above)".into()) }
}

/// Compares `current` with `reports/baseline.json`.
pub fn compare_with_baseline(current: &[Backend]) -> Result<Comparison, String> {
    #[derive(serde::Deserialize)]
    struct Baseline {
        backends: Vec<Backend>,
    }
    let path = reports_dir().join("baseline.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e} (run `cargo harness report --update-baseline`)", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(compare(&baseline.backends, current))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Same,
    WithinTolerance,
    Improved,
    /// Fails the gate.
    Regressed,
    /// In the baseline, not measured now: fails the gate.
    Missing,
    /// Measured now, not in the baseline.
    New,
    /// A workload's result differs from the baseline's: fails the gate.
    ResultChanged,
}

pub struct Row {
    pub figure: String,
    pub baseline: Option<u64>,
    pub current: Option<u64>,
    pub status: Status,
}

pub struct Comparison {
    pub rows: Vec<Row>,
}

/// The gated figures of some backends, by name ("talc .wasm bytes", "talc churn peak live", ...).
fn figures(backends: &[Backend]) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    for b in backends {
        map.insert(format!("{} .wasm bytes", b.name), b.wasm_bytes);
        map.insert(format!("{} .wasm gzip bytes", b.name), b.wasm_gzip_bytes);
        map.insert(format!("{} JS glue bytes", b.name), b.js_glue_bytes);
        map.insert(format!("{} live after init", b.name), b.live_after_init);
        // Lua 5.5's per-workload memory varies between runs of the same build (seen: +4% to +8%
        // on binary_trees and strings); its random hash seed (luaL_makeseed) is the likely cause,
        // not yet confirmed. Its sizes and live-after-init stay gated.
        if b.name.ends_with("-lua55") {
            continue;
        }
        for w in &b.workloads {
            map.insert(format!("{} {} peak live", b.name, w.name), w.peak_live_bytes);
            map.insert(format!("{} {} grown", b.name, w.name), w.grown_bytes);
        }
    }
    map
}

fn checksums(backends: &[Backend]) -> BTreeMap<String, &str> {
    backends.iter().flat_map(|b| b.workloads.iter().map(move |w| (format!("{} {} result", b.name, w.name), w.checksum.as_str()))).collect()
}

/// Compares the figures of the backends measured now with their baseline.
pub fn compare(baseline: &[Backend], current: &[Backend]) -> Comparison {
    let measured: Vec<&str> = current.iter().map(|b| b.name.as_str()).collect();
    let base = figures(baseline);
    let now = figures(current);
    let mut rows = Vec::new();
    for (figure, &value) in &now {
        let status = match base.get(figure) {
            None => Status::New,
            Some(&b) if value == b => Status::Same,
            Some(&b) if value < b => Status::Improved,
            Some(&b) if (value - b) as f64 <= b as f64 * TOLERANCE_PERCENT / 100.0 => Status::WithinTolerance,
            Some(_) => Status::Regressed,
        };
        rows.push(Row { figure: figure.clone(), baseline: base.get(figure).copied(), current: Some(value), status });
    }
    for (figure, &value) in &base {
        let backend = figure.split(' ').next().unwrap_or("");
        if measured.contains(&backend) && !now.contains_key(figure) {
            rows.push(Row { figure: figure.clone(), baseline: Some(value), current: None, status: Status::Missing });
        }
    }
    let base_results = checksums(baseline);
    for (figure, result) in checksums(current) {
        if base_results.get(&figure).is_some_and(|b| *b != result) {
            rows.push(Row { figure, baseline: None, current: None, status: Status::ResultChanged });
        }
    }
    Comparison { rows }
}

impl Comparison {
    pub fn passed(&self) -> bool {
        !self.rows.iter().any(|r| matches!(r.status, Status::Regressed | Status::Missing | Status::ResultChanged))
    }

    /// The regression report: a verdict, then every figure that is not the same as its baseline.
    pub fn markdown(&self) -> String {
        let same = self.rows.iter().filter(|r| r.status == Status::Same).count();
        let mut out = format!(
            "## Regression check against reports/baseline.json\n\n{}: {} figures compared, {same} identical; tolerance +{TOLERANCE_PERCENT}% \
             (sizes, live after init, peak live and grown memory per workload).\n",
            if self.passed() { "PASS" } else { "FAIL" },
            self.rows.len(),
        );
        let changed: Vec<&Row> = self.rows.iter().filter(|r| r.status != Status::Same).collect();
        if !changed.is_empty() {
            out.push_str("\n| figure | baseline | now | delta | status |\n|---|---:|---:|---:|---|\n");
            for r in changed {
                let show = |v: Option<u64>| v.map_or("-".into(), |v| v.to_string());
                let delta = match (r.baseline, r.current) {
                    (Some(b), Some(c)) if b > 0 => format!("{:+.2}%", (c as f64 - b as f64) / b as f64 * 100.0),
                    _ => "-".into(),
                };
                let _ = writeln!(out, "| {} | {} | {} | {delta} | {:?} |", r.figure, show(r.baseline), show(r.current), r.status);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::WorkloadFigures;

    fn backend(name: &str, wasm: u64, peak: u64) -> Backend {
        Backend {
            name: name.into(),
            lua: "5.4".into(),
            profile: "default".into(),
            wasm_bytes: wasm,
            wasm_gzip_bytes: wasm / 3,
            js_glue_bytes: 20_000,
            linked_wasm_bytes: wasm * 2,
            wasm_opt: true,
            cold_start: None,
            vm_init: None,
            chromium_cold_start: None,
            chromium_vm_init: None,
            live_after_init: 15_000,
            workloads: vec![WorkloadFigures {
                name: "churn".into(),
                checksum: "churn 42".into(),
                time: None,
                chromium_time: None,
                peak_live_bytes: peak,
                grown_bytes: 2 * peak,
                grow_count: 3,
                efficiency: 0.5,
            }],
        }
    }

    #[test]
    fn passes_on_identical_figures() {
        let run = [backend("talc", 300_000, 1_000_000)];
        let comparison = compare(&run, &run);
        assert!(comparison.passed());
        assert!(comparison.rows.iter().all(|r| r.status == Status::Same));
        assert!(comparison.markdown().starts_with("## Regression check against reports/baseline.json\n\nPASS"));
    }

    #[test]
    fn fails_on_a_doctored_baseline() {
        let run = [backend("talc", 300_000, 1_000_000)];
        // A baseline claiming the module was 5% smaller: today's module is a regression.
        let doctored = [backend("talc", 285_000, 1_000_000)];
        let comparison = compare(&doctored, &run);
        assert!(!comparison.passed());
        let regressed: Vec<&str> = comparison.rows.iter().filter(|r| r.status == Status::Regressed).map(|r| r.figure.as_str()).collect();
        assert_eq!(regressed, ["talc .wasm bytes", "talc .wasm gzip bytes"]);
        assert!(comparison.markdown().contains("| talc .wasm bytes | 285000 | 300000 | +5.26% | Regressed |"));
    }

    #[test]
    fn tolerates_small_growth_and_any_improvement() {
        let baseline = [backend("talc", 300_000, 1_000_000)];
        let within = [backend("talc", 300_000, 1_009_000)]; // +0.9% peak, +0.9% grown
        assert!(compare(&baseline, &within).passed());
        let beyond = [backend("talc", 300_000, 1_011_000)]; // +1.1%
        assert!(!compare(&baseline, &beyond).passed());
        let smaller = [backend("talc", 200_000, 500_000)];
        let comparison = compare(&baseline, &smaller);
        assert!(comparison.passed());
        assert!(comparison.rows.iter().any(|r| r.status == Status::Improved));
    }

    #[test]
    fn fails_on_a_missing_workload_or_a_changed_result() {
        let baseline = [backend("talc", 300_000, 1_000_000)];
        let mut no_workload = baseline.clone();
        no_workload[0].workloads.clear();
        assert!(!compare(&baseline, &no_workload).passed());
        let mut changed = baseline.clone();
        changed[0].workloads[0].checksum = "churn 43".into();
        assert!(!compare(&baseline, &changed).passed());
    }

    #[test]
    fn a_backend_not_measured_is_not_missing() {
        let baseline = [backend("talc", 300_000, 1_000_000), backend("bump", 280_000, 1_000_000)];
        let only_talc = [backend("talc", 300_000, 1_000_000)];
        assert!(compare(&baseline, &only_talc).passed());
        let comparison = compare(&only_talc, &baseline);
        assert!(comparison.passed(), "a new backend is reported, not failed");
        assert!(comparison.rows.iter().any(|r| r.status == Status::New));
    }
}
