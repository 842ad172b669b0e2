//! Compiles Lua 5.4 (sources from the `lua-src` crate) into a static library: with the system C
//! compiler and libc natively, and with clang plus this crate's libc shim for
//! `wasm32-unknown-unknown`.

mod lua_source;
mod wasm_clang;

use std::env;
use std::path::PathBuf;

fn main() {
    let lua_dir = lua_source::find_lua54();
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));

    let mut build = cc::Build::new();
    build.include(&lua_dir).warnings(false);
    for file in lua_source::library_files(&lua_dir) {
        build.file(file);
    }
    // Lua's own C stack limit: C calls (metamethods, pcall, parser recursion) beyond it raise
    // "C stack overflow" as a Lua error, long before the wasm shadow stack runs out.
    build.define("LUAI_MAXCCALLS", "200");
    // Unoptimised C frames are several times larger: 200 nested C calls at -O0 exhaust the
    // JavaScript engine's own stack on wasm (a trap, not a Lua error). Debug builds of the
    // interpreter are therefore compiled with -O2 too; release builds follow the profile.
    if env::var("OPT_LEVEL").as_deref() == Ok("0") {
        build.opt_level(2);
    }

    match target.as_str() {
        "wasm32-unknown-unknown" => configure_wasm(&mut build, &manifest),
        t if t.starts_with("wasm32") => panic!("lua-sys supports wasm32-unknown-unknown only, not {t}"),
        _ => {} // native: ISO C against the system libc, as Lua builds by default
    }
    build.compile("lua54");

    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=shim");
    println!("cargo:include={}", lua_dir.display());
    println!("cargo:rustc-check-cfg=cfg(lua_shim)");
}

fn configure_wasm(build: &mut cc::Build, manifest: &std::path::Path) {
    let tools = wasm_clang::find();
    build.compiler(&tools.clang).archiver(&tools.ar);
    let shim = manifest.join("shim");
    build
        .include(shim.join("include"))
        // setjmp/longjmp become wasm exception handling (the runtime is shim/c/sjlj.c).
        .flag("-mexception-handling")
        .flag("-mllvm")
        .flag("-wasm-enable-sjlj")
        // No libc to inline from and no stack protector runtime.
        .flag("-fno-stack-protector");
    for file in ["sjlj.c", "printf.c", "stdio.c", "string.c", "stdlib.c"] {
        build.file(shim.join("c").join(file));
    }
}
