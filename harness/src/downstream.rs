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
    let names: Vec<&str> = exports.iter().map(|e| export_name(e)).collect();
    if !names.contains(&"runScript") {
        return Err(format!("{} does not export runScript", wasm.display()));
    }
    if let Some(leaked) = names.iter().find(|e| LUA_WASM_EXPORTS.contains(e)) {
        return Err(format!("{} exports lua-wasm's `{leaked}` though the crate did not ask for the `js` feature", wasm.display()));
    }
    eprintln!("    {}: exports runScript and nothing of lua-wasm's JS API", wasm.display());
    Ok(())
}

/// A wasm-bindgen export's name as JavaScript sees it: before wasm-bindgen runs, the module
/// names it with a hash (`runScript_950147b1ef604612`).
fn export_name(raw: &str) -> &str {
    match raw.rsplit_once('_') {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => name,
        _ => raw,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_exports_as_javascript_does() {
        // Names as lua-wasm's own module (feature `js`) exports them before wasm-bindgen.
        let raw = ["backendName_8d83bb7c58b544fb", "luavm_new_8d83bb7c58b544fb", "memory", "lua_shim_write"];
        let names: Vec<&str> = raw.iter().map(|e| export_name(e)).collect();
        assert_eq!(names, ["backendName", "luavm_new", "memory", "lua_shim_write"]);
        assert!(names.iter().any(|e| LUA_WASM_EXPORTS.contains(e)));
        assert_eq!(export_name("runScript_950147b1ef604612"), "runScript");
    }
}
