//! The conformance scripts under `tests/conformance/` must print exactly the committed
//! `.expected` output, natively (the reference: Lua on the system libc) and on wasm32 (Lua on
//! this project's libc shim), so both builds produce byte-identical output. After each script
//! the state is closed and the backend must hold no live bytes.
//!
//! Lua 5.5 prints some things differently (floats with the digits that read back exactly,
//! `error()` as "<no error object>"), so its expected outputs are in `conformance/lua55/`.
//!
//! To regenerate the expected files from the native build:
//! `LUA_WASM_BLESS=1 cargo test -p lua-wasm --test conformance` (and, for 5.5, with
//! `--no-default-features --features talc,lua55`).

use lua_wasm::{Lua, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Where the expected outputs of the Lua version under test are, below `tests/`.
#[cfg(not(feature = "lua55"))]
macro_rules! expected_dir {
    () => {
        "conformance/"
    };
}
#[cfg(feature = "lua55")]
macro_rules! expected_dir {
    () => {
        "conformance/lua55/"
    };
}

macro_rules! script {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("conformance/", $name, ".lua")),
            include_str!(concat!(expected_dir!(), $name, ".expected")),
        )
    };
}

const SCRIPTS: &[(&str, &str, &str)] =
    &[script!("format"), script!("numbers"), script!("strings"), script!("control")];

fn run(name: &str, source: &str) -> String {
    let lua = Lua::new(Options::default()).expect("state opens");
    let result = lua.exec(source, Some(name));
    let mut output = lua.take_output();
    if let Err(error) = result {
        output.push_str(&format!("ERROR: {}\n", error.message));
    }
    let after_close = lua.close();
    assert_eq!(after_close.live_bytes, 0, "{name}: bytes still live after lua_close");
    assert_eq!(after_close.allocations, after_close.frees, "{name}: allocations without a free");
    output
}

fn check(name: &str, source: &str, expected: &str) {
    let actual = run(name, source);
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("LUA_WASM_BLESS").is_some() {
        let path = format!("{}/tests/{}{name}.expected", env!("CARGO_MANIFEST_DIR"), expected_dir!());
        std::fs::write(path, &actual).expect("expected file is writable");
        return;
    }
    if actual != expected {
        let line = actual.lines().zip(expected.lines()).position(|(a, e)| a != e);
        let (a, e) = match line {
            Some(i) => (actual.lines().nth(i).unwrap_or(""), expected.lines().nth(i).unwrap_or("")),
            None => ("(length differs)", ""),
        };
        panic!("{name}: output differs from {name}.expected at line {:?}\n actual: {a}\n expect: {e}", line.map(|i| i + 1));
    }
}

#[test]
fn format_matches_native() {
    let (name, source, expected) = SCRIPTS[0];
    check(name, source, expected);
}

#[test]
fn numbers_match_native() {
    let (name, source, expected) = SCRIPTS[1];
    check(name, source, expected);
}

#[test]
fn strings_match_native() {
    let (name, source, expected) = SCRIPTS[2];
    check(name, source, expected);
}

#[test]
fn control_matches_native() {
    let (name, source, expected) = SCRIPTS[3];
    check(name, source, expected);
}
