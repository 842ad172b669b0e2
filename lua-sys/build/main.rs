//! Compiles Lua 5.4 or 5.5 (cargo feature `lua54` or `lua55`; sources from the `lua-src`
//! crate) into a static library: with the system C compiler and libc natively, and with clang
//! plus this crate's libc shim for `wasm32-unknown-unknown`.

mod lua_source;
mod luaconf;
mod optimisation;
mod wasm_clang;

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=shim");
    println!("cargo:rustc-check-cfg=cfg(lua_shim)");
    // Both features or neither: compile nothing, so that the crate's compile_error! (lib.rs)
    // is the one message the user sees.
    let minor = match (env::var_os("CARGO_FEATURE_LUA54").is_some(), env::var_os("CARGO_FEATURE_LUA55").is_some()) {
        (true, false) => "5.4",
        (false, true) => "5.5",
        _ => {
            println!("cargo:rustc-env=LUA_SYS_RELEASE=none");
            return;
        }
    };
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let wasm = match target.as_str() {
        "wasm32-unknown-unknown" => true,
        t if t.starts_with("wasm32") => panic!("lua-sys supports wasm32-unknown-unknown only, not {t}"),
        _ => false, // native: ISO C against the system libc, as Lua builds by default
    };
    let mut lua_dir = lua_source::find(minor);
    println!("cargo:rustc-env=LUA_SYS_RELEASE={}", lua_source::release(&lua_dir, minor));
    if wasm && minor == "5.5" {
        let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
        lua_dir = luaconf::without_long_double_alignment(&lua_dir, &out);
    }

    let mut build = cc::Build::new();
    build.include(&lua_dir).warnings(false);
    // Every block a backend gives Lua is aligned to lua_allocators::LUA_MAX_ALIGN (8 on 32-bit
    // targets, 16 on 64-bit ones): layout.c fails the build if Lua asks for more.
    let max_align = if env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() == Ok("32") { "8" } else { "16" };
    build.define("LUA_SYS_MAX_ALIGN", max_align);
    // Lua's own C stack limit: C calls (metamethods, pcall, parser recursion) beyond it raise
    // "C stack overflow" as a Lua error, long before the wasm shadow stack runs out.
    build.define("LUAI_MAXCCALLS", "200");
    // Unoptimised C frames are several times larger: 200 nested C calls at -O0 exhaust the
    // JavaScript engine's own stack on wasm (a trap, not a Lua error). Debug builds of the
    // interpreter are therefore compiled with -O2 too; release builds follow the profile.
    if env::var("OPT_LEVEL").as_deref() == Ok("0") {
        build.opt_level(2);
    }
    if wasm {
        configure_wasm(&mut build, &manifest);
    }
    // Files, standard streams and the environment, on every target: every C file gets the
    // redirections of shim/files/lua_shim_files.h, served by files.c and src/files.rs.
    let files = manifest.join("shim/files");
    build.include(&files).flag("-include").flag(files.join("prelude.h").to_str().expect("a UTF-8 path"));
    // After every flag and define above (the hot files' build is a copy), before any other file.
    optimisation::add_files(&mut build, lua_source::library_files(&lua_dir));
    build.file(manifest.join("build/layout.c")).file(files.join("files.c"));
    if wasm {
        for file in ["sjlj.c", "printf.c", "string.c", "stdlib.c"] {
            build.file(manifest.join("shim/c").join(file));
        }
    }
    build.compile(if minor == "5.4" { "lua54" } else { "lua55" });

    println!("cargo:include={}", lua_dir.display());
}

fn configure_wasm(build: &mut cc::Build, manifest: &Path) {
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
}
