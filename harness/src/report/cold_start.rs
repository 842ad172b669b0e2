//! Cold start: `node harness/js/cold_start.mjs` in a fresh process per sample, the runners taken
//! in turn (rotated each round) so that drift in the machine hits all of them alike.

use super::node::NODE_ESM_FLAG;
use crate::shell::workspace_root;
use std::collections::BTreeMap;
use std::process::Command;

/// `runners`: (name, argument for cold_start.mjs). Returns each runner's times.
pub fn measure(runners: &[(String, String)], rounds: usize) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for round in 0..rounds {
        for i in 0..runners.len() {
            let (name, arg) = &runners[(i + round) % runners.len()];
            times.entry(name.clone()).or_default().push(once(name, arg)?);
        }
    }
    Ok(times)
}

fn once(name: &str, arg: &str) -> Result<f64, String> {
    let out = Command::new("node")
        .args([NODE_ESM_FLAG, "harness/js/cold_start.mjs", arg])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("cold start of {name} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let answer: serde_json::Value = serde_json::from_str(stdout.trim()).map_err(|e| format!("cold_start.mjs printed `{stdout}`: {e}"))?;
    if answer["result"] != "2" {
        return Err(format!("cold start of {name}: `return 1+1` gave {}", answer["result"]));
    }
    answer["ms"].as_f64().ok_or_else(|| format!("cold_start.mjs printed no time: {stdout}"))
}
