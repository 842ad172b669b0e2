//! The package's README.md: harness/npm/README.md with the figures filled in from
//! `reports/latest.json` (cargo harness report) and `reports/density.json` (cargo harness
//! density), never typed by hand.

use crate::report::markdown::{efficiency_summary, kib, time_vs_native};
use crate::report::model::Report;
use crate::shell::workspace_root;
use std::fmt::Write;

pub fn render(version: &str) -> Result<String, String> {
    let root = workspace_root();
    let template = std::fs::read_to_string(root.join("harness/npm/README.md")).map_err(|e| format!("cannot read harness/npm/README.md: {e}"))?;
    let report: Report = read_json(&root.join("reports/latest.json"))?;
    let density: serde_json::Value = read_json(&root.join("reports/density.json"))?;
    let p = &report.provenance;
    let provenance = format!(
        "{}, revision {}, {} with {} cores, Node {}",
        p.date_utc.split('T').next().unwrap_or(&p.date_utc),
        &p.git_revision[..p.git_revision.len().min(7)],
        p.cpu,
        p.cores,
        p.node
    );
    let text = template
        .replace("{version}", version)
        .replace("{lua_release}", &report.native.release)
        .replace("{provenance}", &provenance)
        .replace("{figures}", figures(&report, &density).trim_end());
    match leftover_placeholder(&text) {
        Some(key) => Err(format!("harness/npm/README.md: unknown placeholder `{{{key}}}`")),
        None => Ok(text),
    }
}

/// The first `{name}` left in `text` (a lower-case word in braces not preceded by `$`, which JS
/// template strings use).
fn leftover_placeholder(text: &str) -> Option<&str> {
    text.match_indices('{').find_map(|(i, _)| {
        let rest = &text[i + 1..];
        let key = &rest[..rest.find('}')?];
        let is_word = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        (is_word && !text[..i].ends_with('$')).then_some(key)
    })
}

/// One row per backend on Lua 5.4: module size, speed, memory efficiency, 1,000 idle VMs.
fn figures(report: &Report, density: &serde_json::Value) -> String {
    let mut out = String::from("| backend | .wasm gzip -9 | time vs native | memory efficiency | 1,000 idle VMs |\n|---|---:|---:|---:|---:|\n");
    for b in report.on("5.4") {
        let idle = density["results"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["backend"] == b.name.as_str()))
            .and_then(|r| r["rows"].as_array()?.iter().find(|row| row["vms"] == 1000)?["linearBytes"].as_u64())
            .map_or("n/a".into(), kib);
        let _ = writeln!(out, "| `{}` | {} | {} | {} | {} |", b.name, kib(b.wasm_gzip_bytes), time_vs_native(report, b), efficiency_summary(b), idle);
    }
    out
}

fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
