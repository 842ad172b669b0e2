//! `cargo harness package`: the npm package `lua-wasm-alloc`, one entry per backend, written to
//! `target/npm/lua-wasm-alloc-<version>.tgz` (the version is lua-wasm's). The staged files are
//! in `target/npm/lua-wasm-alloc/`; `npm pack` makes the tarball.
//!
//! Per backend folder (`talc/`, …): the module `lua_wasm_bindgen_bg.wasm` (one file: the node
//! and web builds are the same bytes), for Node `index.cjs` (CommonJS) over `node-glue.cjs`
//! (wasm-bindgen's) and `index.mjs` (ES module over the same instance), for browsers and
//! bundlers `web.mjs` over `web-glue.mjs`, and types beside each (`.d.cts`, `.d.mts`).

mod manifest;
mod readme;

use crate::backends::{Lua, WASM_BACKENDS};
use crate::build::{self, Built};
use crate::shell::{self, workspace_root};
use std::path::{Path, PathBuf};

/// The npm package's name.
pub const NAME: &str = "lua-wasm-alloc";

/// The backend of the package's main entry (`lua-wasm-alloc`).
pub const DEFAULT_BACKEND: &str = "talc";

/// `cargo harness package`: builds every backend and packs them.
pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo harness package".into());
    }
    let built = build::run(&WASM_BACKENDS)?;
    let tarball = pack(&built)?;
    println!("package: {}", tarball.display());
    Ok(())
}

/// Stages the Lua 5.4 modules of `built` with package.json, README.md and LICENSE, and packs
/// them: the tarball's path.
pub fn pack(built: &[Built]) -> Result<PathBuf, String> {
    let backends: Vec<&Built> = built.iter().filter(|b| b.lua == Lua::V54).collect();
    if !backends.iter().any(|b| b.backend == DEFAULT_BACKEND) {
        return Err(format!("the package needs the {DEFAULT_BACKEND} build (its default entry)"));
    }
    let version = lua_wasm_version()?;
    let out = workspace_root().join("target/npm");
    let stage = out.join(NAME);
    if stage.exists() {
        std::fs::remove_dir_all(&stage).map_err(|e| format!("cannot clear {}: {e}", stage.display()))?;
    }
    std::fs::create_dir_all(&stage).map_err(|e| format!("cannot create {}: {e}", stage.display()))?;
    for built in &backends {
        stage_backend(built, &stage.join(built.backend))?;
    }
    let names: Vec<&str> = backends.iter().map(|b| b.backend).collect();
    write(&stage.join("package.json"), &manifest::package_json(&version, &names))?;
    write(&stage.join("README.md"), &readme::render(&version)?)?;
    let root = workspace_root();
    write(&stage.join("LICENSE"), &(read(&root.join("LICENSE"))? + &read(&root.join("harness/npm/THIRD-PARTY.txt"))?))?;

    let tarball = out.join(format!("{NAME}-{version}.tgz"));
    let _ = std::fs::remove_file(&tarball);
    let destination = out.to_string_lossy().into_owned();
    let stage_arg = stage.to_string_lossy().into_owned();
    shell::run("npm", &["pack", "--silent", "--pack-destination", &destination, &stage_arg])?;
    if !tarball.is_file() {
        return Err(format!("npm pack did not write {}", tarball.display()));
    }
    let bytes = std::fs::metadata(&tarball).map(|m| m.len()).unwrap_or(0);
    eprintln!("    wrote {} ({:.1} KiB)", tarball.display(), bytes as f64 / 1024.0);
    Ok(tarball)
}

/// One backend's folder of the package.
fn stage_backend(built: &Built, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (node, web) = (&built.node_dir, &built.web_dir);
    let wasm = std::fs::read(built.node_wasm()).map_err(|e| format!("cannot read {}: {e}", built.node_wasm().display()))?;
    if std::fs::read(built.web_wasm()).ok().as_deref() != Some(&wasm[..]) {
        return Err(format!("{}: the node and web modules differ; the package ships one", built.backend));
    }
    std::fs::write(dir.join(build::WASM_FILE), &wasm).map_err(|e| format!("cannot write the module: {e}"))?;

    write(&dir.join("node-glue.cjs"), &read(&node.join("lua_wasm_bindgen.js"))?)?;
    let node_entry = retarget(&read(&node.join("lua_wasm.js"))?, "require(\"./lua_wasm_bindgen.js\")", "require(\"./node-glue.cjs\")")?;
    write(&dir.join("index.cjs"), &node_entry)?;
    write(&dir.join("index.d.cts"), &read(&node.join("lua_wasm.d.ts"))?)?;
    write(&dir.join("index.mjs"), manifest::NODE_ESM)?;
    write(&dir.join("index.d.mts"), manifest::NODE_ESM_TYPES)?;

    write(&dir.join("web-glue.mjs"), &read(&web.join("lua_wasm_bindgen.js"))?)?;
    let web_entry = retarget(&read(&web.join("lua_wasm.js"))?, "from \"./lua_wasm_bindgen.js\"", "from \"./web-glue.mjs\"")?;
    write(&dir.join("web.mjs"), &web_entry)?;
    write(&dir.join("web.d.mts"), &read(&web.join("lua_wasm.d.ts"))?)
}

/// `text` with its one import of wasm-bindgen's glue (`from`) pointed at the renamed file.
fn retarget(text: &str, from: &str, to: &str) -> Result<String, String> {
    match text.matches(from).count() {
        1 => Ok(text.replace(from, to)),
        n => Err(format!("expected one `{from}` in the built wrapper, found {n}")),
    }
}

/// lua-wasm's version (its Cargo.toml), which the package takes.
fn lua_wasm_version() -> Result<String, String> {
    let text = shell::output("cargo", &["metadata", "--no-deps", "--format-version", "1"]).ok_or("cargo metadata failed")?;
    let metadata: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("cargo metadata: {e}"))?;
    metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "lua-wasm"))
        .and_then(|p| p["version"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "cargo metadata lists no lua-wasm version".into())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
