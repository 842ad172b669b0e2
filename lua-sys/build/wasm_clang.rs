//! Finds a clang able to compile C for wasm32 (>= 19, for the sjlj lowering), and the llvm-ar
//! that indexes wasm objects for the linker.

use std::env;
use std::path::PathBuf;
use std::process::Command;

pub struct Tools {
    pub clang: PathBuf,
    pub ar: PathBuf,
}

const MISSING: &str = "lua-sys needs clang >= 19 to compile Lua for wasm32-unknown-unknown. \
     On Debian/Ubuntu: `apt-get install clang-19 llvm-19` (or run `cargo harness setup`), \
     or point CC_wasm32_unknown_unknown at a clang and AR_wasm32_unknown_unknown at its llvm-ar.";

pub fn find() -> Tools {
    for var in ["CC_wasm32_unknown_unknown", "AR_wasm32_unknown_unknown"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let clang = env::var_os("CC_wasm32_unknown_unknown")
        .map(PathBuf::from)
        .or_else(|| first_that_runs(&["clang-19", "clang-20", "clang-21", "clang"]))
        .unwrap_or_else(|| panic!("{MISSING}"));
    check_version(&clang);
    let ar = env::var_os("AR_wasm32_unknown_unknown")
        .map(PathBuf::from)
        .or_else(|| first_that_runs(&["llvm-ar-19", "llvm-ar-20", "llvm-ar-21", "llvm-ar"]))
        .unwrap_or_else(|| panic!("{MISSING}"));
    Tools { clang, ar }
}

fn first_that_runs(names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
        .map(PathBuf::from)
}

fn check_version(clang: &PathBuf) {
    let output = Command::new(clang).arg("--version").output();
    let text = match output {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(e) => panic!("cannot run {}: {e}. {MISSING}", clang.display()),
    };
    let major = text
        .split("clang version ")
        .nth(1)
        .and_then(|rest| rest.split('.').next())
        .and_then(|m| m.trim().parse::<u32>().ok());
    if let Some(major) = major.filter(|&m| m < 19) {
        panic!("{} is clang {major}. {MISSING}", clang.display());
    }
}
