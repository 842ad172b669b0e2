//! `## Goals`: issue 13's targets for the default build (with the speed and size profiles beside
//! it), each with its measured value, met or missed, and by how much.

use super::markdown::{kib, label, ms};
use super::model::{Backend, Report, Timing};
use super::stats::geomean;
use super::workloads::INIT;
use std::fmt::Write;

/// Geometric mean over the workloads of `time(w) / native time(w)`.
fn vs_native(r: &Report, time: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    geomean(r.workloads.iter().filter(|w| *w != INIT).filter_map(|w| Some(time(w)? / r.native.workload(w)?.time.median_ms)))
}

/// "every workload faster than wasmoon": the workloads not faster, with their ratio to wasmoon.
fn against_wasmoon(r: &Report, ours: impl Fn(&str) -> Option<Timing>, theirs: impl Fn(&str) -> Option<Timing>) -> String {
    let ratios: Vec<(&str, f64)> = r
        .workloads
        .iter()
        .filter(|w| *w != INIT)
        .filter_map(|w| Some((w.as_str(), ours(w)?.median_ms / theirs(w)?.median_ms)))
        .collect();
    if ratios.is_empty() {
        return "n/a".into();
    }
    let slower: Vec<String> = ratios.iter().filter(|(_, x)| *x >= 1.0).map(|(w, x)| format!("{w} {x:.2}x")).collect();
    if slower.is_empty() {
        let worst = ratios.iter().map(|(_, x)| *x).fold(0.0, f64::max);
        format!("met: all {} faster (slowest at {worst:.2}x wasmoon's time)", ratios.len())
    } else {
        format!("MISSED: {}/{} slower ({})", slower.len(), ratios.len(), slower.join(", "))
    }
}

fn verdict(value: f64, limit: f64, shown: impl Fn(f64) -> String) -> String {
    if value <= limit {
        format!("met: {} ({} under)", shown(value), shown(limit - value))
    } else {
        format!("MISSED: {} ({} over, {:+.0}%)", shown(value), shown(value - limit), (value / limit - 1.0) * 100.0)
    }
}

fn micro_us(r: &Report, name: &str, runner: &str, chromium: bool) -> Option<f64> {
    let micro = r.micro.iter().find(|m| m.name == name)?;
    let run = micro.runs.iter().find(|x| x.runner == runner)?;
    Some((if chromium { run.chromium } else { run.node })?.median_ms * 1000.0 / micro.ops as f64)
}

fn cells(r: &Report, b: &Backend) -> [String; 6] {
    let w = &r.wasmoon;
    let na = || "n/a".to_owned();
    let switch = micro_us(r, "coroutine_switch", &b.name, true).zip(micro_us(r, "coroutine_switch", "native", false));
    [
        against_wasmoon(r, |x| b.workload(x)?.time, |x| Some(w.workload(x)?.time)),
        against_wasmoon(r, |x| b.workload(x)?.chromium_time, |x| w.workload(x)?.chromium_time),
        vs_native(r, |x| Some(b.workload(x)?.chromium_time?.median_ms)).map_or_else(na, |v| verdict(v, 1.3, |x| format!("{x:.2}x"))),
        if w.wasm_gzip_bytes == 0 {
            na()
        } else {
            let shown = |x: f64| kib(x as u64);
            format!("{} (raw {})", verdict(b.wasm_gzip_bytes as f64, w.wasm_gzip_bytes as f64, shown), kib(b.wasm_bytes))
        },
        switch.map_or_else(na, |(ours, native)| verdict(ours / native, 3.0, |x| format!("{x:.2}x"))),
        b.cold_start.map_or_else(na, |t| verdict(t.median_ms, 5.0, ms)),
    ]
}

const GOALS: [&str; 6] = [
    "every workload faster than wasmoon, Node",
    "every workload faster than wasmoon, Chromium",
    "time vs native <= 1.3x, Chromium (geomean)",
    ".wasm gzip -9 <= wasmoon's",
    "coroutine switch <= 3x native, Chromium",
    "cold start median < 5 ms, Node",
];

/// The section, or nothing when the report has no default-backend module on Lua 5.4.
pub fn section(r: &Report) -> String {
    let profiles: Vec<&Backend> = ["default", "speed", "size"].iter().filter_map(|p| r.in_profile(p)).collect();
    if profiles.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Goals\n\nIssue 13's targets, for the default build and, beside it, the same backend built for speed and for size \
         (`cargo harness build --profile speed|size`); wasmoon and native Lua 5.4 from this run. A missed goal says by how much.\n\n| goal |",
    );
    for b in &profiles {
        let _ = write!(out, " {} |", label(b));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(profiles.len()));
    out.push('\n');
    let columns: Vec<[String; 6]> = profiles.iter().map(|b| cells(r, b)).collect();
    for (i, goal) in GOALS.iter().enumerate() {
        let _ = write!(out, "| {goal} |");
        for column in &columns {
            let _ = write!(out, " {} |", column[i]);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_says_by_how_much() {
        let x = |v: f64| format!("{v:.2}x");
        assert_eq!(verdict(1.2, 1.3, x), "met: 1.20x (0.10x under)");
        assert_eq!(verdict(1.69, 1.3, x), "MISSED: 1.69x (0.39x over, +30%)");
    }
}
