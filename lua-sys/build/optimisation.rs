//! Per-file optimisation of Lua's C sources: the interpreter's hot files (the VM loop, calls and
//! errors, tables, the collector, strings, closures, metamethods, the C API) may be compiled for
//! speed while the rest (parser, code generator, standard libraries, ...) stays compiled for size.
//!
//! The split follows the cargo profile's `opt-level` (cargo passes it as `OPT_LEVEL`):
//!   "s" (release, the default build): hot files at -O2, the rest at -Os;
//!   "z" (profile `size`): everything at -Oz;  "2"/"3" (profile `speed`): everything at that level.
//! `LUA_SYS_HOT_OPT_LEVEL` (0-3, s, z) overrides the hot files' level, for experiments.

use std::env;
use std::path::{Path, PathBuf};

/// Lua's hot files, by stem.
const HOT: [&str; 8] = ["lvm", "ldo", "ltable", "lgc", "lstring", "lfunc", "ltm", "lapi"];

/// The level of the hot files when it differs from the profile's, else `None`.
fn hot_level() -> Option<String> {
    println!("cargo:rerun-if-env-changed=LUA_SYS_HOT_OPT_LEVEL");
    let profile = env::var("OPT_LEVEL").unwrap_or_default();
    let hot = env::var("LUA_SYS_HOT_OPT_LEVEL").ok().or_else(|| (profile == "s").then(|| "2".to_owned()))?;
    (hot != profile).then_some(hot)
}

/// Splits `files` between `build` (the profile's level) and objects compiled from a copy of
/// `build` at the hot level, which are added to `build` as objects.
pub fn add_files(build: &mut cc::Build, files: Vec<PathBuf>) {
    let is_hot = |f: &Path| f.file_stem().and_then(|s| s.to_str()).is_some_and(|s| HOT.contains(&s));
    let Some(level) = hot_level() else {
        build.files(files);
        return;
    };
    let (hot, cold): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| is_hot(f));
    let objects = build.clone().opt_level_str(&level).files(hot).compile_intermediates();
    build.files(cold).objects(objects);
}
