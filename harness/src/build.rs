//! `cargo harness build`: for each backend (and Lua version), the lua-wasm cdylib, run through
//! wasm-bindgen (`--target nodejs` and `--target web`) and, where binaryen is installed,
//! `wasm-opt -Oz`. Output: `target/lua-wasm/<backend>/{node,web}/lua_wasm.js` for Lua 5.4 and
//! `target/lua-wasm/<backend>-lua55/…` for 5.5 (the public entry point, see
//! lua-wasm/js/luavm.js) beside wasm-bindgen's `lua_wasm_bindgen.js` and its `.wasm`. The
//! `speed` and `size` profiles (profile.rs) add `-speed` / `-size` to the folder's name.

use crate::backends::{self, Lua};
use crate::imports;
use crate::profile::{self, Profile};
use crate::progress::step;
use crate::shell::{self, workspace_root};
use std::path::PathBuf;

/// What one backend's build produced.
#[derive(Clone, Debug)]
pub struct Built {
    pub backend: &'static str,
    pub lua: Lua,
    pub profile: Profile,
    /// The cdylib as rustc linked it.
    pub raw_wasm: PathBuf,
    pub node_dir: PathBuf,
    pub web_dir: PathBuf,
    /// Whether wasm-opt ran.
    pub optimized: bool,
}

impl Built {
    /// The backend, `-lua55` for 5.5, `-speed`/`-size` for those profiles: the output folder's
    /// name, and the runner's in reports.
    pub fn name(&self) -> String {
        format!("{}{}{}", self.backend, self.lua.suffix(), self.profile.suffix())
    }
    pub fn node_wasm(&self) -> PathBuf {
        self.node_dir.join(WASM_FILE)
    }
    pub fn web_wasm(&self) -> PathBuf {
        self.web_dir.join(WASM_FILE)
    }
}

/// The module wasm-bindgen writes beside the glue (`--out-name lua_wasm_bindgen`).
pub const WASM_FILE: &str = "lua_wasm_bindgen_bg.wasm";

/// Writes `lua_wasm.js`, the public entry point: lua-wasm/js/luavm.js between the header and
/// footer of the module system the target uses, and its types `lua_wasm.d.ts`: the shared
/// declarations and the target's own (`init` differs).
fn write_wrapper(target: &str, dir: &std::path::Path) -> Result<(), String> {
    let js = workspace_root().join("lua-wasm/js");
    let prefix = if target == "nodejs" { "node" } else { "web" };
    let read = |name: &str| std::fs::read_to_string(js.join(name)).map_err(|e| format!("cannot read lua-wasm/js/{name}: {e}"));
    let text = [read(&format!("{prefix}-header.js"))?, read("luavm.js")?, read(&format!("{prefix}-footer.js"))?].join("\n");
    std::fs::write(dir.join("lua_wasm.js"), text).map_err(|e| format!("cannot write lua_wasm.js: {e}"))?;
    let types = [read("lua_wasm.d.ts")?, read(&format!("{prefix}-footer.d.ts"))?].concat();
    std::fs::write(dir.join("lua_wasm.d.ts"), types).map_err(|e| format!("cannot write lua_wasm.d.ts: {e}"))?;
    Ok(())
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

/// `cargo harness build [--lua 5.4|5.5|all] [--profile default|speed|size] [BACKEND..]`.
pub fn run_cli(args: &[String]) -> Result<(), String> {
    let (versions, names) = backends::parse_lua(args, &[Lua::V54])?;
    let (profile, names) = profile::parse(&names)?;
    run_profile(&backends::parse(&names)?, &versions, profile).map(|_| ())
}

/// Every backend on Lua 5.4.
pub fn run(backends: &[&'static str]) -> Result<Vec<Built>, String> {
    run_versions(backends, &[Lua::V54])
}

/// Every backend on every one of `versions`, version by version.
pub fn run_versions(backends: &[&'static str], versions: &[Lua]) -> Result<Vec<Built>, String> {
    run_profile(backends, versions, Profile::Default)
}

/// As [`run_versions`], in `profile`.
pub fn run_profile(backends: &[&'static str], versions: &[Lua], profile: Profile) -> Result<Vec<Built>, String> {
    let builds: Vec<(Lua, &'static str)> = versions.iter().flat_map(|&lua| backends.iter().map(move |&b| (lua, b))).collect();
    let total = builds.len();
    builds
        .iter()
        .enumerate()
        .map(|(i, &(lua, backend))| {
            step(&format!("build [{}/{total}] {backend}{}{}", i + 1, lua.suffix(), profile.suffix()), || build_one(backend, lua, profile))
        })
        .collect()
}

/// lua-wasm's features that make the JavaScript module: the `LuaVm` exports and the backend as
/// the module's global allocator (a plain `lua-wasm` dependency has neither).
pub const JS_MODULE_FEATURES: &str = "js,global-allocator";

/// Links lua-wasm as a cdylib (it is a plain library; `cargo rustc --crate-type cdylib` makes
/// the module) in `profile` with `features` (a backend, a Lua version, maybe `bench`) plus
/// [`JS_MODULE_FEATURES`], and copies it to `to`.
fn cargo_build_wasm(features: &str, profile: Profile, to: &std::path::Path) -> Result<(), String> {
    let features = format!("{features},{JS_MODULE_FEATURES}");
    shell::run(
        "cargo",
        &[
            "rustc", "-q", "-p", "lua-wasm", "--lib", "--crate-type", "cdylib", "--profile", profile.cargo(), "--target",
            "wasm32-unknown-unknown", "--no-default-features", "--features", &features,
        ],
    )?;
    std::fs::create_dir_all(to.parent().expect("a file in a folder")).map_err(|e| e.to_string())?;
    let linked = workspace_root().join("target/wasm32-unknown-unknown").join(profile.cargo()).join("lua_wasm.wasm");
    std::fs::copy(&linked, to).map_err(|e| format!("cannot copy {}: {e}", linked.display()))?;
    imports::check(to).map(|_| ())
}

/// The measurement variant of a backend's module (lua-wasm's `bench` feature: recordTrace,
/// replayTrace, runWorkload), for Node only and not size-optimised:
/// `target/lua-wasm-bench/<backend>/lua_wasm_bindgen.js`.
pub fn build_bench(backend: &str) -> Result<PathBuf, String> {
    let dir = workspace_root().join("target/lua-wasm-bench").join(backend);
    let raw = dir.join("lua_wasm_raw.wasm");
    cargo_build_wasm(&format!("{backend},bench,{}", Lua::V54.feature()), Profile::Default, &raw)?;
    let (dir_arg, raw_arg) = (dir.to_string_lossy().into_owned(), raw.to_string_lossy().into_owned());
    shell::run("wasm-bindgen", &["--target", "nodejs", "--out-dir", &dir_arg, "--out-name", "lua_wasm_bindgen", &raw_arg])?;
    Ok(dir)
}

fn build_one(backend: &'static str, lua: Lua, profile: Profile) -> Result<Built, String> {
    let out = workspace_root().join("target/lua-wasm").join(format!("{backend}{}{}", lua.suffix(), profile.suffix()));
    let raw_wasm = out.join("lua_wasm_raw.wasm");
    cargo_build_wasm(&format!("{backend},{}", lua.feature()), profile, &raw_wasm)?;

    // wasm-opt runs before wasm-bindgen: binaryen 108 (Debian 12) turns a module that
    // wasm-bindgen has already processed into one that throws at start-up.
    let optimized = shell::available("wasm-opt");
    let bindgen_input = if optimized {
        let optimized_wasm = out.join("lua_wasm_opt.wasm");
        let (input, output) = (raw_wasm.to_string_lossy().into_owned(), optimized_wasm.to_string_lossy().into_owned());
        let mut args = vec![profile.wasm_opt_level(), input.as_str(), "-o", output.as_str()];
        args.extend(WASM_OPT_FEATURES);
        shell::run("wasm-opt", &args)?;
        optimized_wasm
    } else {
        eprintln!("    wasm-opt not found: the module is not size-optimised (install binaryen)");
        raw_wasm.clone()
    };
    let node_dir = out.join("node");
    let web_dir = out.join("web");
    for (target, dir) in [("nodejs", &node_dir), ("web", &web_dir)] {
        let dir_arg = dir.to_string_lossy().into_owned();
        let input = bindgen_input.to_string_lossy().into_owned();
        // The name and producers sections: 7 KB that only debuggers read.
        let strip = ["--remove-name-section", "--remove-producers-section"];
        let mut args = vec!["--target", target, "--out-dir", &dir_arg, "--out-name", "lua_wasm_bindgen"];
        args.extend(strip);
        args.push(&input);
        shell::run("wasm-bindgen", &args)?;
        write_wrapper(target, dir)?;
    }
    let built = Built { backend, lua, profile, raw_wasm, node_dir, web_dir, optimized };
    for wasm in [built.node_wasm(), built.web_wasm()] {
        let count = imports::check(&wasm)?;
        eprintln!("    imports ok: {} ({count} imports)", wasm.display());
    }
    Ok(built)
}
