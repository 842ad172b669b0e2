//! `cargo harness test`: every test of the project, in order, with progress. Native tests
//! first (fast feedback), then each backend on wasm32 in Node, then the built modules.

use crate::backends::{NATIVE_ONLY, WASM_BACKENDS};
use crate::build;
use crate::progress::step;
use crate::shell;

pub fn run() -> Result<(), String> {
    step("native: workspace tests (all features)", || {
        shell::run("cargo", &["test", "--workspace", "--all-features"])
    })?;
    for backend in std::iter::once(NATIVE_ONLY).chain(WASM_BACKENDS) {
        step(&format!("native: lua-wasm tests on {backend}"), || {
            shell::run("cargo", &["test", "-p", "lua-wasm", "--no-default-features", "--features", backend])
        })?;
    }
    for backend in WASM_BACKENDS {
        step(&format!("wasm32 in Node: lua-wasm tests on {backend}"), || {
            shell::run(
                "cargo",
                &["test", "-p", "lua-wasm", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", backend],
            )
        })?;
    }
    step("each allocator feature builds alone (native and wasm32)", feature_builds)?;
    step("build every backend and check imports", || build::run(&WASM_BACKENDS).map(|_| ()))?;
    Ok(())
}

fn feature_builds() -> Result<(), String> {
    for backend in std::iter::once(NATIVE_ONLY).chain(WASM_BACKENDS) {
        let base = ["build", "-q", "-p", "lua-allocators", "--no-default-features", "--features", backend];
        shell::run("cargo", &base)?;
        if backend != NATIVE_ONLY {
            let mut wasm = base.to_vec();
            wasm.extend(["--target", "wasm32-unknown-unknown"]);
            shell::run("cargo", &wasm)?;
        }
    }
    Ok(())
}
