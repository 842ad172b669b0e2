//! `cargo harness build`: for each backend, the lua-wasm cdylib, run through wasm-bindgen
//! (`--target nodejs` and `--target web`) and, where binaryen is installed, `wasm-opt -Oz`.
//! Output: `target/lua-wasm/<backend>/{node,web}/lua_wasm.js` beside `lua_wasm_bg.wasm`.

use crate::imports;
use crate::progress::step;
use crate::shell::{self, workspace_root};
use std::path::PathBuf;

/// What one backend's build produced.
#[derive(Clone, Debug)]
pub struct Built {
    pub backend: &'static str,
    /// The cdylib as rustc linked it.
    pub raw_wasm: PathBuf,
    pub node_dir: PathBuf,
    pub web_dir: PathBuf,
    /// Whether wasm-opt ran.
    pub optimized: bool,
}

impl Built {
    pub fn node_wasm(&self) -> PathBuf {
        self.node_dir.join("lua_wasm_bg.wasm")
    }
    pub fn web_wasm(&self) -> PathBuf {
        self.web_dir.join("lua_wasm_bg.wasm")
    }
}

/// Features rustc enables for wasm32-unknown-unknown, plus exception handling for Lua's
/// setjmp/longjmp; wasm-opt must be told, or it refuses the module.
const WASM_OPT_FEATURES: [&str; 7] = [
    "--enable-exception-handling",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn output_dir(backend: &str) -> PathBuf {
    workspace_root().join("target/lua-wasm").join(backend)
}

pub fn run(backends: &[&'static str]) -> Result<Vec<Built>, String> {
    let total = backends.len();
    backends
        .iter()
        .enumerate()
        .map(|(i, backend)| step(&format!("build [{}/{total}] {backend}", i + 1), || build_one(backend)))
        .collect()
}

fn build_one(backend: &'static str) -> Result<Built, String> {
    let features = backend.to_owned();
    shell::run(
        "cargo",
        &["build", "-q", "-p", "lua-wasm", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", &features],
    )?;
    let out = output_dir(backend);
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let raw_wasm = out.join("lua_wasm_raw.wasm");
    let linked = workspace_root().join("target/wasm32-unknown-unknown/release/lua_wasm.wasm");
    std::fs::copy(&linked, &raw_wasm).map_err(|e| format!("cannot copy {}: {e}", linked.display()))?;
    imports::check(&raw_wasm)?;

    let node_dir = out.join("node");
    let web_dir = out.join("web");
    for (target, dir) in [("nodejs", &node_dir), ("web", &web_dir)] {
        let dir_arg = dir.to_string_lossy().into_owned();
        let raw_arg = raw_wasm.to_string_lossy().into_owned();
        shell::run("wasm-bindgen", &["--target", target, "--out-dir", &dir_arg, "--out-name", "lua_wasm", &raw_arg])?;
    }
    let optimized = shell::available("wasm-opt");
    let built = Built { backend, raw_wasm, node_dir, web_dir, optimized };
    for wasm in [built.node_wasm(), built.web_wasm()] {
        if optimized {
            let path = wasm.to_string_lossy().into_owned();
            let mut args = vec!["-Oz", path.as_str(), "-o", path.as_str()];
            args.extend(WASM_OPT_FEATURES);
            shell::run("wasm-opt", &args)?;
        }
        let count = imports::check(&wasm)?;
        eprintln!("    imports ok: {} ({count} imports)", wasm.display());
    }
    if !optimized {
        eprintln!("    wasm-opt not found: modules are not size-optimised (install binaryen)");
    }
    Ok(built)
}

/// `cargo harness report`, this far: builds every backend and prints the module sizes.
pub fn report(backends: &[&'static str]) -> Result<(), String> {
    let built = run(backends)?;
    println!("| backend | raw .wasm | after wasm-bindgen{} |", if built.iter().all(|b| b.optimized) { " + wasm-opt -Oz" } else { "" });
    println!("|---|---:|---:|");
    for b in &built {
        let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        println!("| {} | {} | {} |", b.backend, size(b.raw_wasm.clone()), size(b.web_wasm()));
    }
    Ok(())
}
