//! examples/downstream, a crate depending on lua-wasm as a user's would (default features off,
//! the buddy backend, its own global allocator): it must build and pass its tests natively and
//! on wasm32 (in Node), and its module must export its own function and none of lua-wasm's
//! JavaScript API.

use crate::shell::workspace_root;
use std::path::Path;

/// Exports of lua-wasm's `js` feature that a plain dependency must not bring.
const LUA_WASM_EXPORTS: [&str; 3] = ["luavm_new", "backendName", "luaVersion"];

pub fn check() -> Result<(), String> {
    let root = workspace_root();
    let dir = root.join("examples/downstream");
    let target = root.join("target/downstream");
    let target_arg = target.to_string_lossy().into_owned();
    let cargo = |args: &[&str]| run_in(&dir, "cargo", &[args, &["--target-dir", &target_arg]].concat());
    cargo(&["test"])?;
    cargo(&["run"])?;
    cargo(&["test", "--target", "wasm32-unknown-unknown"])?;
    let wasm = target.join("wasm32-unknown-unknown/debug/downstream.wasm");
    let exports = exports_of(&wasm)?;
    if !exports.iter().any(|e| e == "runScript") {
        return Err(format!("{} does not export runScript: {exports:?}", wasm.display()));
    }
    if let Some(leaked) = exports.iter().find(|e| LUA_WASM_EXPORTS.contains(&e.as_str())) {
        return Err(format!("{} exports lua-wasm's `{leaked}` though the crate did not ask for the `js` feature", wasm.display()));
    }
    eprintln!("    {}: exports runScript and nothing of lua-wasm's JS API ({} exports)", wasm.display(), exports.len());
    Ok(())
}

/// Runs `program` in `dir` (cargo then uses that crate's own workspace and lockfile).
fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("    $ (cd {}) {program} {}", dir.display(), args.join(" "));
    let status = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed in {} ({status})", args.join(" "), dir.display())) }
}

/// The names a wasm module exports.
fn exports_of(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ExportSection(section) = payload.map_err(|e| format!("{}: {e}", path.display()))? {
            for export in section {
                exports.push(export.map_err(|e| format!("{}: {e}", path.display()))?.name.to_owned());
            }
        }
    }
    Ok(exports)
}
