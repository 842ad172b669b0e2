//! `cargo harness bench-wasm [--rounds N]`: the allocators inside the wasm module, in Node:
//! replay of every recorded workload trace and of the adversarial traces (allocator cost
//! alone), and every workload (allocator plus interpreter), per backend, interleaved, with the
//! exact and the geometric growth policy. Reported as ops/s and as ratios to dlmalloc (Rust's
//! default wasm allocator) in `reports/bench-wasm.md` and `.json`. Then the interop section
//! (`bench_interop.rs`; `--interop` runs it alone): the value API against wasmoon.

use crate::backends::WASM_BACKENDS;
use crate::bench_interop;
use crate::build;
use crate::progress::step;
use crate::report::{charts, provenance, stats};
use crate::shell::workspace_root;
use crate::traces;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

const BASELINE: &str = "dlmalloc";
const CHART: &str = "bench_wasm_replay.svg";
/// Ratios above this are cut in the chart (buddy reaches hundreds), so the others stay readable.
const CLIP: f64 = 4.0;

pub fn run(args: &[String]) -> Result<(), String> {
    let rounds = match args {
        [] => 5,
        [flag, n] if flag == "--rounds" => n.parse().map_err(|_| format!("bad round count `{n}`"))?,
        [flag] if flag == "--interop" => return bench_interop::run_alone(),
        _ => return Err("usage: cargo harness bench-wasm [--rounds N | --interop]".into()),
    };
    let modules: BTreeMap<&str, std::path::PathBuf> = WASM_BACKENDS
        .iter()
        .map(|b| step(&format!("build the measurement module ({b})"), || build::build_bench(b)).map(|dir| (*b, dir)))
        .collect::<Result<_, _>>()?;
    let recorded = traces::record_all()?;
    let adversarial_dir = workspace_root().join("target/traces-adversarial");
    std::fs::create_dir_all(&adversarial_dir).map_err(|e| e.to_string())?;
    let mut trace_list: Vec<Value> = recorded.iter().map(|r| json!({ "name": r.name, "path": r.path })).collect();
    for (name, trace) in benches::adversarial::all() {
        let path = adversarial_dir.join(format!("{name}.trace"));
        std::fs::write(&path, trace).map_err(|e| e.to_string())?;
        trace_list.push(json!({ "name": name, "path": path }));
    }
    let config = json!({
        "mode": "bench",
        "modules": modules,
        "traces": trace_list,
        "workloads": traces::workload_list(),
        "rounds": rounds,
    });
    let samples = step(&format!("measure in Node: {rounds} interleaved rounds"), || traces::node_json(&config))?;
    let samples = samples.as_array().ok_or("bench_wasm.mjs printed no sample list")?;
    let summary = summarise(samples);
    let interop = bench_interop::measure()?;
    let markdown = format!("{}\n{}", render(&summary, rounds), bench_interop::render(&interop));
    println!("{markdown}");
    let reports = workspace_root().join("reports");
    std::fs::create_dir_all(&reports).map_err(|e| e.to_string())?;
    let document = json!({ "generated_by": "cargo harness bench-wasm", "provenance": provenance::collect(), "rounds": rounds, "results": summary, "interop": interop });
    std::fs::write(reports.join("bench-wasm.json"), serde_json::to_string_pretty(&document).expect("JSON")).map_err(|e| e.to_string())?;
    std::fs::write(reports.join("bench-wasm.md"), markdown).map_err(|e| e.to_string())?;
    draw_replay_chart(&summary, &reports.join(CHART))?;
    eprintln!("wrote reports/bench-wasm.md, reports/bench-wasm.json and reports/{CHART}");
    Ok(())
}

/// Medians per (kind, name, policy, backend).
fn summarise(samples: &[Value]) -> Value {
    let mut groups: BTreeMap<(String, String, String, String), Vec<&Value>> = BTreeMap::new();
    for s in samples {
        let key = |k: &str| s[k].as_str().unwrap_or("").to_owned();
        groups.entry((key("kind"), key("name"), key("policy"), key("backend"))).or_default().push(s);
    }
    let rows: Vec<Value> = groups
        .into_iter()
        .map(|((kind, name, policy, backend), runs)| {
            let ms: Vec<f64> = runs.iter().filter_map(|r| r["ms"].as_f64()).collect();
            let timing = stats::timing(&ms);
            let last = runs.last().expect("a group has runs");
            let ops = last["ops"].as_f64();
            let median = timing.as_ref().map_or(f64::NAN, |t| t.median_ms);
            json!({
                "kind": kind, "name": name, "policy": policy, "backend": backend,
                "median_ms": median, "min_ms": timing.as_ref().map(|t| t.min_ms), "n": ms.len(),
                "ops": ops, "ops_per_s": ops.map(|o| o / (median / 1000.0)),
                "peak_live": last["peakLive"], "heap_bytes": last["heapBytes"], "grow_count": last["growCount"],
            })
        })
        .collect();
    Value::Array(rows)
}

fn find<'a>(rows: &'a [Value], kind: &str, name: &str, policy: &str, backend: &str) -> Option<&'a Value> {
    rows.iter().find(|r| r["kind"] == kind && r["name"] == name && r["policy"] == policy && r["backend"] == backend)
}

fn render(summary: &Value, rounds: usize) -> String {
    let rows = summary.as_array().map(Vec::as_slice).unwrap_or(&[]);
    let mut md = String::new();
    let _ = writeln!(md, "<!-- generated by `cargo harness bench-wasm`, do not edit -->\n# Allocators inside wasm (Node)\n");
    let _ = writeln!(md, "Median of {rounds} interleaved rounds; exact growth policy unless noted. Ratio = time relative to {BASELINE} (lower is faster).\n");
    let _ = writeln!(md, "## Trace replay: allocator alone (M ops/s, ratio to {BASELINE})\n");
    let _ = writeln!(md, "![Trace replay time relative to {BASELINE}]({CHART})\n");
    ratio_table(&mut md, rows, "replay", "trace", |r| r["ops_per_s"].as_f64().unwrap_or(0.0) / 1e6);
    let _ = writeln!(md, "\n## Workloads: interpreter plus allocator (median ms, ratio to {BASELINE})\n");
    ratio_table(&mut md, rows, "workload", "workload", |r| r["median_ms"].as_f64().unwrap_or(0.0));
    let _ = writeln!(md, "\n## Growth policy: geometric vs exact (memory held, grow calls, time ratio)\n");
    let _ = writeln!(md, "Per backend: `KiB held exact -> geometric, grow calls exact -> geometric, time geometric/exact`. \
        `run`: memory held at the end of the workload, before close; `replay`: memory still held after the replay freed every block \
        (dlmalloc gives segments back, the others keep their regions until dropped).\n");
    let _ = writeln!(md, "| item | {} |", WASM_BACKENDS.join(" | "));
    let _ = writeln!(md, "|---|{}", "---:|".repeat(WASM_BACKENDS.len()));
    for (kind, name) in names(rows, "replay").into_iter().map(|n| ("replay", n)).chain(names(rows, "workload").into_iter().map(|n| ("workload", n))) {
        let cells: Vec<String> = WASM_BACKENDS
            .iter()
            .map(|b| match (find(rows, kind, name, "exact", b), find(rows, kind, name, "geometric", b)) {
                (Some(e), Some(g)) => format!(
                    "{:.0}->{:.0} KiB, {}->{}, {:.2}x",
                    e["heap_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                    g["heap_bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                    e["grow_count"],
                    g["grow_count"],
                    ratio(g["median_ms"].as_f64(), e["median_ms"].as_f64())
                ),
                _ => "-".into(),
            })
            .collect();
        let label = if kind == "replay" { "replay" } else { "run" };
        let _ = writeln!(md, "| {label}: {name} | {} |", cells.join(" | "));
    }
    md
}

/// One row per item of `kind`, one cell per backend: `shown` and the time ratio to the baseline.
fn ratio_table(md: &mut String, rows: &[Value], kind: &str, first: &str, shown: impl Fn(&Value) -> f64) {
    let _ = writeln!(md, "| {first} | {} |", WASM_BACKENDS.join(" | "));
    let _ = writeln!(md, "|---|{}", "---:|".repeat(WASM_BACKENDS.len()));
    for name in names(rows, kind) {
        let base = find(rows, kind, name, "exact", BASELINE).and_then(|r| r["median_ms"].as_f64());
        let cells: Vec<String> = WASM_BACKENDS
            .iter()
            .map(|b| match find(rows, kind, name, "exact", b) {
                Some(r) => format!("{:.1} ({:.2}x)", shown(r), ratio(r["median_ms"].as_f64(), base)),
                None => "-".into(),
            })
            .collect();
        let _ = writeln!(md, "| {name} | {} |", cells.join(" | "));
    }
}

/// The item names of one kind, in row order.
fn names<'a>(rows: &'a [Value], kind: &str) -> Vec<&'a str> {
    let mut n: Vec<&str> = rows.iter().filter(|r| r["kind"] == kind).filter_map(|r| r["name"].as_str()).collect();
    n.dedup();
    n
}

/// Replay time per trace and backend relative to the baseline backend.
fn draw_replay_chart(summary: &Value, path: &std::path::Path) -> Result<(), String> {
    let rows = summary.as_array().map(Vec::as_slice).unwrap_or(&[]);
    let traces = names(rows, "replay");
    let time = |trace: &str, backend: &str| find(rows, "replay", trace, "exact", backend).and_then(|r| r["median_ms"].as_f64());
    let series = WASM_BACKENDS
        .iter()
        .map(|b| (b.to_string(), traces.iter().map(|t| Some(ratio(time(t, b), time(t, BASELINE)))).collect()))
        .collect();
    let groups = traces.iter().map(|t| t.replace("adversarial_", "").replace('_', " ")).collect();
    charts::draw_ratios(path, "Trace replay in wasm: time relative to dlmalloc", BASELINE, groups, series, CLIP)
}

fn ratio(value: Option<f64>, base: Option<f64>) -> f64 {
    match (value, base) {
        (Some(v), Some(b)) if b > 0.0 => v / b,
        _ => f64::NAN,
    }
}
