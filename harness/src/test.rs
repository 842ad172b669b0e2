//! `cargo harness test`: every test of the project, in order, with progress. Native tests
//! first (fast feedback), then each backend on wasm32 in Node, the features a depending crate
//! sees and examples/downstream, then the built modules, the npm package as installed, and the
//! demo. Lua 5.4 runs everywhere; Lua 5.5 on the default backend (talc), natively, on wasm32 and
//! as a module.

use crate::backend_features;
use crate::backends::{Lua, NATIVE_ONLY, WASM_BACKENDS};
use crate::build::{self, JS_MODULE_FEATURES};
use crate::demo;
use crate::downstream;
use crate::package;
use crate::package_test;
use crate::progress::step;
use crate::shell;
use crate::traces;

/// The backend Lua 5.5 is tested on (lua-wasm's default).
const LUA55_BACKEND: &str = "talc";

pub fn run() -> Result<(), String> {
    step("native: workspace tests (every feature but lua55)", || {
        let features = every_feature_but_lua55()?;
        shell::run("cargo", &["test", "--workspace", "--features", &features])
    })?;
    for backend in std::iter::once(NATIVE_ONLY).chain(WASM_BACKENDS) {
        step(&format!("native: lua-wasm tests on {backend}"), || {
            shell::run("cargo", &["test", "-p", "lua-wasm", "--no-default-features", "--features", &format!("{backend},lua54")])
        })?;
    }
    let lua55 = format!("{LUA55_BACKEND},lua55");
    step(&format!("native: lua-sys and lua-wasm tests on Lua 5.5 ({LUA55_BACKEND})"), || {
        let features = format!("lua-wasm/{LUA55_BACKEND},lua-wasm/lua55");
        shell::run("cargo", &["test", "-p", "lua-sys", "-p", "lua-wasm", "--no-default-features", "--features", &features])
    })?;
    for (backend, features) in WASM_BACKENDS.iter().map(|b| (b.to_string(), format!("{b},lua54"))).chain([(format!("Lua 5.5 ({LUA55_BACKEND})"), lua55.clone())]) {
        step(&format!("wasm32 in Node: lua-wasm tests on {backend}"), || {
            let features = format!("{features},{JS_MODULE_FEATURES}");
            shell::run(
                "cargo",
                &["test", "-p", "lua-wasm", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", &features],
            )
        })?;
    }
    step("wasm32 in headless Chromium: lua-wasm tests on talc", chromium_tests)?;
    step("each allocator feature builds alone (native and wasm32)", feature_builds)?;
    step("the Lua version features: exactly one", lua_version_features)?;
    step("the backend features: a crate gets the backend it asks for, or an error saying why", backend_features::check)?;
    step("examples/downstream: a crate using lua-wasm (buddy), natively and on wasm32", downstream::check)?;
    let built = step("build every backend (and talc on Lua 5.5) and check imports", || {
        let mut built = build::run(&WASM_BACKENDS)?;
        built.extend(build::run_versions(&[LUA55_BACKEND], &[Lua::V55])?);
        Ok(built)
    })?;
    step("Node: the JS API of every built module", || {
        shell::run("node", &["--expose-gc", "--test", "--test-reporter=spec", "harness/js/api.test.mjs"])
    })?;
    step("Lua's test suite on talc through the JS API: every file passes (trusted)", || {
        let dir = crate::testes::suite_dir()?;
        let talc = built.iter().find(|b| b.backend == "talc" && b.lua == Lua::V54).ok_or("talc was not built")?;
        let failed: Vec<String> = crate::testes::run_suite(talc, &dir, "trusted")?.into_iter().filter(|r| !r.passed).map(|r| r.file).collect();
        crate::testes::run_suite(talc, &dir, "untrusted")?;
        if failed.is_empty() { Ok(()) } else { Err(format!("failed: {}", failed.join(", "))) }
    })?;
    let tarball = step("npm: pack the package", || package::pack(&built))?;
    step("npm: the package as installed (Node CJS and ESM, every entry, tsc --strict, esbuild page in Chromium)", || {
        package_test::run(&tarball)
    })?;
    traces::record_all()?;
    step("benches: every criterion bench once (smoke test, with the recorded traces)", || {
        shell::run("cargo", &["test", "--release", "-p", "benches", "--benches"])
    })?;
    step("headless Chromium: the demo page", || {
        // The page offers the Lua 5.4 modules.
        let lua54: Vec<build::Built> = built.iter().filter(|b| b.lua == Lua::V54).cloned().collect();
        let site = shell::workspace_root().join("target/demo-site");
        demo::write_site(&lua54, &site)?;
        let server = demo::serve_in_background(&site)?;
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
        &["test", "-p", "lua-wasm", "--target", "wasm32-unknown-unknown", "--no-default-features", "--features", &format!("talc,lua54,{JS_MODULE_FEATURES}")],
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

/// `pkg/feature` for every feature of every workspace member, except `default`, `lua55` (the
/// Lua versions exclude each other; 5.5 has its own steps) and lua-wasm's backends (at most one
/// may be on: the harness's own `system`, which the workspace build enables anyway).
fn every_feature_but_lua55() -> Result<String, String> {
    let text = shell::output("cargo", &["metadata", "--no-deps", "--format-version", "1"]).ok_or("cargo metadata failed")?;
    let metadata: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut features = Vec::new();
    for package in metadata["packages"].as_array().ok_or("cargo metadata lists no packages")? {
        let name = package["name"].as_str().unwrap_or_default();
        for feature in package["features"].as_object().into_iter().flat_map(|f| f.keys()) {
            let lua_wasm_backend = name == "lua-wasm" && backend_features::BACKEND_FEATURES.contains(&feature.as_str());
            if feature != "default" && feature != "lua55" && !lua_wasm_backend {
                features.push(format!("{name}/{feature}"));
            }
        }
    }
    Ok(features.join(","))
}

/// Both Lua versions, or neither, stop lua-sys's build with its own message.
fn lua_version_features() -> Result<(), String> {
    for (features, message) in [
        (&["--features", "lua55"][..], "the features `lua54` and `lua55` exclude each other"),
        (&["--no-default-features"][..], "no Lua version selected"),
    ] {
        let (succeeded, stderr, command) = crate::backend_features::cargo_check("lua-sys", features)?;
        if succeeded || !stderr.contains(message) {
            return Err(format!("`{command}` should fail with \"{message}\"; it printed:\n{stderr}"));
        }
    }
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
