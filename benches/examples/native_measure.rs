//! `native_measure`: the native reference of `cargo harness report` for a Lua version the
//! harness is not built with. The harness builds it with that version
//! (`cargo build --release -p benches --example native_measure --no-default-features --features lua55`)
//! and talks to it as to harness/js/measure.mjs, one JSON object per line. (An example, not a
//! binary: `cargo test --release --benches` would build a binary in the release profile beside
//! the bench profile, and link two copies of the crates in between.)
//!
//!   first line out: {"ready": true, "lua": "<release>"}
//!   {"op": "init", "n": N}          -> {"ms": [N times of a new state]}
//!   {"op": "run", "workload": W}    -> {"ms", "result", "init": stats, "after": stats}
//!
//! where stats are `{"liveBytes", "peakBytes"}` of the system allocator. Errors are answered as
//! `{"error": "<message>"}`.

use benches::native;
use serde_json::{Value, json};
use std::io::{BufRead, Write};

fn answer(request: &Value, sources: &[benches::Workload]) -> Result<Value, String> {
    match request["op"].as_str() {
        Some("init") => {
            let n = request["n"].as_u64().ok_or("init needs n")?;
            let ms = (0..n).map(|_| native::init_ms()).collect::<Result<Vec<f64>, String>>()?;
            Ok(json!({ "ms": ms }))
        }
        Some("run") => {
            let name = request["workload"].as_str().ok_or("run needs a workload")?;
            let workload = sources.iter().find(|w| w.name == name).ok_or_else(|| format!("unknown workload {name}"))?;
            let run = native::run(name, &workload.source)?;
            let stats = |s: lua_allocators::AllocStats| json!({ "liveBytes": s.live_bytes, "peakBytes": s.peak_bytes });
            Ok(json!({ "ms": run.ms, "result": run.result, "init": stats(run.init), "after": stats(run.after) }))
        }
        other => Err(format!("unknown op {other:?}")),
    }
}

fn main() {
    let sources = benches::workloads();
    let mut out = std::io::stdout().lock();
    let mut send = |value: Value| writeln!(out, "{value}").and_then(|()| out.flush()).expect("stdout is open");
    send(json!({ "ready": true, "lua": native::LUA_RELEASE }));
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        if line.trim().is_empty() {
            continue;
        }
        let reply = serde_json::from_str::<Value>(&line)
            .map_err(|e| e.to_string())
            .and_then(|request| answer(&request, &sources))
            .unwrap_or_else(|error| json!({ "error": error }));
        send(reply);
    }
}
