//! `cargo harness test`: every test of the project, in order, with progress. Native tests
//! first (fast feedback), then each backend on wasm32 in Node, then the built modules.

use crate::backends::{NATIVE_ONLY, WASM_BACKENDS};
use crate::build;
use crate::demo;
use crate::progress::step;
use crate::shell;
use crate::traces;

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
    step("wasm32 in headless Chromium: lua-wasm tests on talc", chromium_tests)?;
    step("each allocator feature builds alone (native and wasm32)", feature_builds)?;
    let built = step("build every backend and check imports", || build::run(&WASM_BACKENDS))?;
    step("Node: the JS API of every built module", || {
        shell::run("node", &["--expose-gc", "--test", "--test-reporter=spec", "harness/js/api.test.mjs"])
    })?;
    traces::record_all()?;
    step("benches: every criterion bench once (smoke test, with the recorded traces)", || {
        shell::run("cargo", &["test", "--release", "-p", "benches", "--benches"])
    })?;
    step("headless Chromium: the demo page", || {
        demo::write_manifest(&built)?;
        let server = demo::serve_in_background()?;
        shell::run_env("node", &["--test", "--test-reporter=spec", "harness/js/demo.test.mjs"], &[("DEMO_URL", &server.url)])
    })?;
    step("regression gate: sizes and memory against reports/baseline.json", || crate::report::check::gate(&built))?;
    Ok(())
}

/// The same wasm-bindgen tests in Chromium through chromedriver. The runner silently skips
/// suites it cannot run in a browser, so the output must show that tests ran there.
fn chromium_tests() -> Result<(), String> {
    let output = shell::run_captured(
        "cargo",
        &["test", "-p", "lua-wasm", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", "talc"],
        &[
            ("WASM_BINDGEN_USE_BROWSER", "1"),
            ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            ("WASM_BINDGEN_TEST_WEBDRIVER_JSON", "harness/webdriver.json"),
        ],
    )?;
    let ran_in_browser = output.matches("Running headless tests in Chrome").count();
    let passed: usize = output
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    if ran_in_browser == 0 || passed == 0 {
        return Err(format!("expected tests to run in Chrome; saw {ran_in_browser} browser suites and {passed} passed tests"));
    }
    eprintln!("    {passed} tests passed in {ran_in_browser} Chrome suites");
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
