//! The micro benchmarks (`harness/micro/*.lua`): the cost of one coroutine switch (resume +
//! yield) and of one pcall, with and without an error: on wasm, yields and errors are thrown
//! wasm exceptions and each pcall a setjmp. Each script returns `"<name> <ops> <checksum>"`; the
//! report divides a run's time by `ops`.

use super::workloads::Workload;
use crate::shell::workspace_root;

pub fn load() -> Result<Vec<Workload>, String> {
    let dir = workspace_root().join("harness/micro");
    let mut micro: Vec<Workload> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .map(|path| {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(Workload { name, path, source })
        })
        .collect::<Result<_, String>>()?;
    micro.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(micro)
}

/// The op count in a micro benchmark's result (`"coroutine_switch 50000 …"`).
pub fn ops(result: &str) -> Result<u64, String> {
    result.split_whitespace().nth(1).and_then(|n| n.parse().ok()).ok_or_else(|| format!("no op count in `{result}`"))
}
