//! `cargo harness report`: builds every backend on Lua 5.4 and 5.5, measures size, start-up,
//! memory and workload time against native Lua (of the same version) and the wasmoon peer, and
//! writes `reports/latest.{json,md}`, the SVG
//! charts, and README.md's results table. `cargo harness check` (check.rs) gates the
//! deterministic figures against `reports/baseline.json`.
//!
//! One file per job: workloads.rs (the Lua scripts), micro.rs (coroutine and pcall costs),
//! node.rs (the Node process that runs the modules), chromium.rs (the same in headless
//! Chromium), native.rs, cold_start.rs, measure.rs (the order of runs), stats.rs, sizes.rs,
//! provenance.rs, model.rs (the JSON), markdown.rs, goals.rs, charts.rs, readme.rs, check.rs.
//!
//! Besides every backend on both Lua versions, the default backend (talc) is built on Lua 5.4 in
//! the `speed` and `size` profiles too (profile.rs), and measured alike.

pub mod check;
pub(crate) mod charts;
mod chromium;
mod cold_start;
pub(crate) mod markdown;
mod goals;
mod measure;
mod micro;
pub(crate) mod model;
mod native;
mod node;
pub(crate) mod provenance;
mod readme;
mod sizes;
pub(crate) mod stats;
mod workloads;

use crate::backends::{self, Lua};
use crate::build::{self, Built};
use crate::profile::Profile;
use crate::progress::step;
use crate::shell::workspace_root;
use measure::{Run, Sessions, WASMOON, native_runner};
use model::{Backend, Micro, MicroRun, Native, NativeWorkload, PeerWorkload, Report, Settings, Target, Wasmoon, WorkloadFigures};
use std::collections::BTreeMap;
use std::path::PathBuf;

const COLD_START_RUNS: usize = 21;
const VM_INIT_RUNS: usize = 1000;
const VM_INIT_BATCHES: usize = 10;
const WORKLOAD_REPS: usize = 15;
/// In Chromium, VM init is timed in groups of this many VMs (the page's clock ticks in 5 µs).
const CHROMIUM_INIT_GROUP: usize = 10;
/// PRP targets.
const INIT_LIMIT_MS: f64 = 5.0;
const WASM_LIMIT_BYTES: f64 = 1_500_000.0;

/// `cargo harness report [--update-baseline] [--lua 5.4|5.5|all] [BACKEND..]` (both Lua versions
/// by default).
pub fn run(args: &[String]) -> Result<(), String> {
    let update_baseline = args.iter().any(|a| a == "--update-baseline");
    let names: Vec<String> = args.iter().filter(|a| *a != "--update-baseline").cloned().collect();
    let (versions, names) = backends::parse_lua(&names, &Lua::ALL)?;
    let backends = backends::parse(&names)?;
    let workloads = workloads::load()?;
    let micro = micro::load()?;
    let mut built = build::run_versions(&backends, &versions)?;
    // The default backend's neighbours: the same code built for speed and for size.
    if versions.contains(&Lua::V54) {
        for profile in [Profile::Speed, Profile::Size] {
            built.extend(build::run_profile(&backends[..1], &[Lua::V54], profile)?);
        }
    }
    let provenance = provenance::collect();

    let every_script = [workloads.clone(), micro.clone()].concat();
    let node = step("Node: load every module and the wasmoon peer", || node::Session::start(&built, true, &every_script))?;
    if let Some(why) = &node.wasmoon_skipped {
        eprintln!("    wasmoon peer skipped: {why}");
    }
    let skipped = node.wasmoon_skipped.clone();
    let peer = skipped.is_none();
    // Native Lua of the version this process is not built with runs in its own process.
    let other = versions.iter().copied().find(|&lua| lua != native::IN_PROCESS);
    let (other_native, other_release) = match other {
        Some(lua) => {
            let (session, release) = step(&format!("native Lua {}: build and start native_measure", lua.version()), || {
                node::Session::native(&native::build_measure(lua)?)
            })?;
            (Some(session), Some((lua, release)))
        }
        None => (None, None),
    };
    let mut sessions = Sessions { node, other_native };
    let mut runners: Vec<String> = std::iter::once(native_runner(native::IN_PROCESS))
        .chain(other.map(native_runner))
        .chain(built.iter().map(Built::name))
        .collect();
    if peer {
        runners.push(WASMOON.into());
    }

    // First, on the freshly loaded modules, as `cargo harness check` does: a backend's grown
    // memory can depend on what the module did before (the page source's free list), so the
    // memory figures come from the same history in both.
    let single = step("workloads: one run each (memory, results, warm-up)", || measure::single_pass(&mut sessions, &runners, &workloads))?;
    measure::check_results(&single, |runner| native_runner(measure::lua_of(runner)))?;
    let mut cold_runners: Vec<(String, String)> = built.iter().map(|b| (b.name(), b.web_dir.to_string_lossy().into_owned())).collect();
    if peer {
        cold_runners.push((WASMOON.into(), WASMOON.into()));
    }
    let cold = step(&format!("cold start: {COLD_START_RUNS} fresh Node processes per module"), || {
        cold_start::measure(&cold_runners, COLD_START_RUNS)
    })?;
    let init = step(&format!("VM init: {VM_INIT_RUNS} per runner"), || measure::vm_init(&mut sessions, &runners, VM_INIT_RUNS, VM_INIT_BATCHES))?;
    let samples = measure::timed_rounds(&mut sessions, &runners, &workloads, WORKLOAD_REPS)?;
    // Coroutine and pcall costs: native Lua 5.4, the default backend in each profile, wasmoon.
    let micro_runners: Vec<String> = runners
        .iter()
        .filter(|r| *r == &native_runner(Lua::V54) || *r == WASMOON || built.iter().any(|b| &b.name() == *r && b.backend == backends[0] && b.lua == Lua::V54))
        .cloned()
        .collect();
    let micro_single = step("micro benchmarks: one run each", || measure::single_pass(&mut sessions, &micro_runners, &micro))?;
    measure::check_results(&micro_single, |_| native_runner(Lua::V54))?;
    let micro_samples = measure::timed_rounds(&mut sessions, &micro_runners, &micro, WORKLOAD_REPS)?;
    drop(sessions);

    let modules: Vec<(String, String)> = built.iter().map(|b| (b.name(), b.web_dir.to_string_lossy().into_owned())).collect();
    let plan = chromium::Plan {
        cold_runs: COLD_START_RUNS,
        init_total: VM_INIT_RUNS,
        init_batches: VM_INIT_BATCHES,
        init_group: CHROMIUM_INIT_GROUP,
        reps: WORKLOAD_REPS,
    };
    let browser = step("Chromium: cold start, VM init, workloads and micro benchmarks in one page", || {
        chromium::measure(&modules, peer, &workloads, (&micro_runners, &micro), &plan)
    })?;
    let browser_runs: BTreeMap<(String, String), measure::Run> = browser
        .results
        .iter()
        .map(|(key, result)| (key.clone(), measure::Run { ms: 0.0, result: result.clone(), init: None, after: None }))
        .chain(single.iter().filter(|((r, _), _)| r.starts_with(measure::NATIVE)).map(|(k, r)| (k.clone(), measure::Run { ms: 0.0, result: r.result.clone(), init: None, after: None })))
        .chain(micro_single.iter().filter(|((r, _), _)| r.starts_with(measure::NATIVE)).map(|(k, r)| (k.clone(), measure::Run { ms: 0.0, result: r.result.clone(), init: None, after: None })))
        .collect();
    measure::check_results(&browser_runs, |runner| native_runner(measure::lua_of(runner)))?;

    let timing = |runner: &str, samples_of: &[f64]| stats::timing(samples_of).ok_or_else(|| format!("no samples for {runner}"));
    let mut report_backends = Vec::new();
    for b in &built {
        let name = b.name();
        let mut backend = deterministic(b, &single, &workloads)?;
        backend.cold_start = stats::timing(&cold[&name]);
        backend.vm_init = stats::timing(&init[&name]);
        backend.chromium_cold_start = browser.cold.get(&name).and_then(|t| stats::timing(t));
        backend.chromium_vm_init = browser.init.get(&name).and_then(|t| stats::timing(t));
        for w in &mut backend.workloads {
            let key = (name.clone(), w.name.clone());
            w.time = Some(timing(&name, &samples[&key])?);
            w.chromium_time = browser.samples.get(&key).and_then(|t| stats::timing(t));
        }
        report_backends.push(backend);
    }
    let native_of = |lua: Lua, release: &str| -> Result<Native, String> {
        let runner = native_runner(lua);
        let runs = |w: &str| &single[&(runner.clone(), w.to_owned())];
        Ok(Native {
            release: release.to_owned(),
            vm_init: timing(&runner, &init[&runner])?,
            live_after_init: runs(workloads::INIT).init.map_or(0, |m| m.live_bytes),
            workloads: workloads
                .iter()
                .map(|w| {
                    let run = runs(&w.name);
                    Ok(NativeWorkload {
                        name: w.name.clone(),
                        checksum: run.result.clone(),
                        time: timing(&runner, &samples[&(runner.clone(), w.name.clone())])?,
                        peak_live_bytes: run.after.map_or(0, |m| m.peak_bytes),
                    })
                })
                .collect::<Result<_, String>>()?,
        })
    };
    let mut wasmoon = wasmoon(skipped, &cold, &init, &single, &samples, &workloads)?;
    if wasmoon.skipped.is_none() {
        wasmoon.chromium_cold_start = browser.cold.get(WASMOON).and_then(|t| stats::timing(t));
        wasmoon.chromium_vm_init = browser.init.get(WASMOON).and_then(|t| stats::timing(t));
        for w in &mut wasmoon.workloads {
            w.chromium_time = browser.samples.get(&(WASMOON.to_owned(), w.name.clone())).and_then(|t| stats::timing(t));
        }
    }
    let micro = micro
        .iter()
        .map(|m| {
            let ops = micro::ops(&micro_single[&(native_runner(Lua::V54), m.name.clone())].result)?;
            let runs = micro_runners
                .iter()
                .map(|runner| {
                    let key = (runner.clone(), m.name.clone());
                    MicroRun {
                        runner: runner.clone(),
                        node: micro_samples.get(&key).and_then(|t| stats::timing(t)),
                        chromium: browser.samples.get(&key).and_then(|t| stats::timing(t)),
                    }
                })
                .collect();
            Ok(Micro { name: m.name.clone(), ops, runs })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let report = Report {
        generated_by: "cargo harness report".into(),
        provenance,
        settings: settings(),
        workloads: workloads.iter().map(|w| w.name.clone()).collect(),
        targets: targets(&report_backends),
        backends: report_backends,
        native: native_of(native::IN_PROCESS, benches::native::LUA_RELEASE)?,
        native_lua55: other_release.map(|(lua, release)| native_of(lua, &release)).transpose()?,
        wasmoon,
        chromium: Some(browser.version.clone()),
        micro,
    };
    // Against the baseline as it was before this run (so --update-baseline shows what it accepts).
    let comparison = check::compare_with_baseline(&report.backends);
    step("write reports/ and README.md", || write(&report, update_baseline))?;
    // Lua 5.4's own test suite on every Lua 5.4 module: reports/testes.{md,json}.
    let lua54: Vec<Built> = built.iter().filter(|b| b.lua == Lua::V54).cloned().collect();
    if !lua54.is_empty() {
        crate::testes::report_all(&lua54, &crate::testes::suite_dir()?)?;
    }
    println!("{}", markdown::headline(&report));
    match comparison {
        Ok(comparison) => println!("{}{}", comparison.markdown(), if update_baseline { "\n(accepted: reports/baseline.json is now this run)" } else { "" }),
        Err(e) => println!("baseline: {e}"),
    }
    Ok(())
}

pub fn settings() -> Settings {
    Settings {
        cold_start_runs: COLD_START_RUNS,
        vm_init_runs: VM_INIT_RUNS,
        workload_reps: WORKLOAD_REPS,
        tolerance_percent: check::TOLERANCE_PERCENT,
    }
}

pub fn reports_dir() -> PathBuf {
    workspace_root().join("reports")
}

/// A backend's deterministic figures (sizes, memory, results); no timings.
fn deterministic(b: &Built, runs: &BTreeMap<(String, String), Run>, workloads: &[workloads::Workload]) -> Result<Backend, String> {
    let glue = [b.web_dir.join("lua_wasm.js"), b.web_dir.join("lua_wasm_bindgen.js")];
    let size = sizes::measure(&b.web_wasm(), &[&glue[0], &glue[1]])?;
    let name = b.name();
    let run = |w: &str| runs.get(&(name.clone(), w.to_owned())).ok_or_else(|| format!("no run of {w} on {name}"));
    let init = run(workloads::INIT)?.init.ok_or("no memory figures")?;
    let figures = workloads
        .iter()
        .map(|w| {
            let r = run(&w.name)?;
            let after = r.after.ok_or("no memory figures")?;
            Ok(WorkloadFigures {
                name: w.name.clone(),
                checksum: r.result.clone(),
                time: None,
                chromium_time: None,
                peak_live_bytes: after.peak_bytes,
                grown_bytes: after.peak_heap_bytes,
                grow_count: after.grow_count,
                // Over the most linear memory the backend held, not what it holds at the end.
                efficiency: if after.peak_heap_bytes == 0 { 0.0 } else { after.peak_bytes as f64 / after.peak_heap_bytes as f64 },
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Backend {
        name: b.name(),
        lua: b.lua.version().to_owned(),
        profile: b.profile.name().to_owned(),
        wasm_bytes: size.wasm_bytes,
        wasm_gzip_bytes: size.wasm_gzip_bytes,
        js_glue_bytes: size.js_glue_bytes,
        linked_wasm_bytes: std::fs::metadata(&b.raw_wasm).map_err(|e| format!("cannot read {}: {e}", b.raw_wasm.display()))?.len(),
        wasm_opt: b.optimized,
        cold_start: None,
        vm_init: None,
        chromium_cold_start: None,
        chromium_vm_init: None,
        live_after_init: init.live_bytes,
        workloads: figures,
    })
}

fn wasmoon(
    skipped: Option<String>,
    cold: &BTreeMap<String, Vec<f64>>,
    init: &BTreeMap<String, Vec<f64>>,
    single: &BTreeMap<(String, String), Run>,
    samples: &measure::Samples,
    workloads: &[workloads::Workload],
) -> Result<Wasmoon, String> {
    let dist = workspace_root().join("harness/js/node_modules/wasmoon");
    let version = std::fs::read_to_string(dist.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok()?["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(not installed)".into());
    let mut peer = Wasmoon {
        skipped,
        version,
        wasm_bytes: 0,
        wasm_gzip_bytes: 0,
        js_glue_bytes: 0,
        cold_start: None,
        vm_init: None,
        chromium_cold_start: None,
        chromium_vm_init: None,
        workloads: vec![],
    };
    if peer.skipped.is_some() {
        return Ok(peer);
    }
    let size = sizes::measure(&dist.join("dist/glue.wasm"), &[&dist.join("dist/index.js")])?;
    (peer.wasm_bytes, peer.wasm_gzip_bytes, peer.js_glue_bytes) = (size.wasm_bytes, size.wasm_gzip_bytes, size.js_glue_bytes);
    peer.cold_start = cold.get(WASMOON).and_then(|t| stats::timing(t));
    peer.vm_init = init.get(WASMOON).and_then(|t| stats::timing(t));
    for w in workloads {
        let key = (WASMOON.to_owned(), w.name.clone());
        let time = samples.get(&key).and_then(|t| stats::timing(t)).ok_or("no wasmoon samples")?;
        peer.workloads.push(PeerWorkload { name: w.name.clone(), checksum: single[&key].result.clone(), time, chromium_time: None });
    }
    Ok(peer)
}

fn targets(backends: &[Backend]) -> Vec<Target> {
    let mut targets = Vec::new();
    for b in backends {
        if let Some(init) = b.vm_init {
            targets.push(target(&b.name, "VM init < 5 ms", init.median_ms, INIT_LIMIT_MS, "ms"));
        }
        targets.push(target(&b.name, ".wasm < 1.5 MB", b.wasm_bytes as f64, WASM_LIMIT_BYTES, "bytes"));
    }
    targets
}

fn target(backend: &str, what: &str, value: f64, limit: f64, unit: &str) -> Target {
    Target { backend: backend.into(), what: what.into(), value, limit, unit: unit.into(), pass: value < limit }
}

fn write(report: &Report, update_baseline: bool) -> Result<(), String> {
    let dir = reports_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())? + "\n";
    let put = |name: &str, text: &str| std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write reports/{name}: {e}"));
    put("latest.json", &json)?;
    put("latest.md", &markdown::document(report))?;
    charts::write(report, &dir)?;
    readme::update(&markdown::headline(report))?;
    if update_baseline {
        put("baseline.json", &json)?;
        eprintln!("    reports/baseline.json updated from this run");
    }
    Ok(())
}
