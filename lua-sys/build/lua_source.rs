//! Finds Lua's C sources inside the `lua-src` crate (a build dependency, so cargo has already
//! downloaded it) by asking `cargo metadata` where that crate lives.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest `lua-<minor>.*` folder (`minor` is "5.4" or "5.5") of the `lua-src` package in
/// this build's dependency graph, or the folder `LUA_SYS_LUA54_DIR` / `LUA_SYS_LUA55_DIR` names.
pub fn find(minor: &str) -> PathBuf {
    let variable = format!("LUA_SYS_LUA{}_DIR", minor.replace('.', ""));
    println!("cargo:rerun-if-env-changed={variable}");
    if let Ok(dir) = env::var(&variable) {
        return PathBuf::from(dir);
    }
    let package_root = lua_src_root();
    let prefix = format!("lua-{minor}.");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&package_root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", package_root.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix)))
        .collect();
    versions.sort_by_key(|p| patch_number(p));
    versions
        .pop()
        .unwrap_or_else(|| panic!("no {prefix}* folder in {}", package_root.display()))
}

/// Every `.c` file of the library: all but the stand-alone interpreter and compiler.
pub fn library_files(lua_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(lua_dir)
        .expect("Lua source folder is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .filter(|p| !matches!(p.file_stem().and_then(|s| s.to_str()), Some("lua" | "luac" | "onelua")))
        .collect();
    files.sort();
    files
}

/// The release in `lua_dir/lua.h`, such as "5.4.9" (5.4 spells the numbers as strings,
/// `LUA_VERSION_RELEASE "9"`; 5.5 as numbers, `LUA_VERSION_RELEASE_N 1`).
pub fn release(lua_dir: &Path, minor: &str) -> String {
    let header = std::fs::read_to_string(lua_dir.join("lua.h")).expect("lua.h is readable");
    let patch = header
        .lines()
        .filter_map(|line| line.strip_prefix("#define"))
        .map(str::split_whitespace)
        .find_map(|mut words| match (words.next(), words.next()) {
            (Some("LUA_VERSION_RELEASE" | "LUA_VERSION_RELEASE_N"), Some(value)) => Some(value.trim_matches('"').to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no LUA_VERSION_RELEASE in {}", lua_dir.join("lua.h").display()));
    format!("{minor}.{patch}")
}

fn patch_number(dir: &Path) -> u32 {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.rsplit('.').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

fn lua_src_root() -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("Cargo.toml");
    // Offline first: every package of the build is usually downloaded already. Dev-dependencies
    // of other targets may not be, and then cargo metadata needs the registry.
    let metadata = |offline: bool| {
        let mut command = Command::new(&cargo);
        command.args(["metadata", "--format-version", "1", "--manifest-path"]).arg(&manifest);
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo metadata runs")
    };
    let output = Some(metadata(true)).filter(|o| o.status.success()).unwrap_or_else(|| metadata(false));
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let packages = metadata["packages"].as_array().expect("metadata lists packages");
    let lua_src = packages
        .iter()
        .find(|p| p["name"] == "lua-src")
        .expect("lua-src is a build dependency of lua-sys");
    let manifest_path = lua_src["manifest_path"].as_str().expect("lua-src has a manifest path");
    Path::new(manifest_path).parent().expect("manifest has a folder").to_path_buf()
}
