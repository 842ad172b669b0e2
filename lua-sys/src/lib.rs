//! Lua 5.4 or 5.5, compiled from the `lua-src` crate's C sources, natively and for
//! `wasm32-unknown-unknown`. The version is a cargo feature: `lua54` (the default) or `lua55`,
//! exactly one of them.
//!
//! - [`ffi`]: hand-written bindings to `lua.h`, `lauxlib.h` and `lualib.h` of the version
//!   built. Functions that can raise a Lua error are `extern "C-unwind"`.
//! - [`VERSION`], [`RELEASE`] and [`new_state`]: what an embedder needs to know or call
//!   differently for the two versions.
//! - [`trampoline`]: the `lua_Alloc` function that sends every allocation to a
//!   [`lua_allocators::Backend`].
//! - `shim` (wasm32 only): the small libc Lua is compiled against there. On every target Lua's
//!   files, standard streams and environment go through `shim/files/` to the hooks of [`host`]
//!   (where standard output goes, what files exist, what time it is).

#![allow(non_camel_case_types, non_snake_case)]

#[cfg(all(feature = "lua54", feature = "lua55"))]
compile_error!(
    "lua-sys: the features `lua54` and `lua55` exclude each other; enable exactly one \
     (for Lua 5.5: `default-features = false, features = [\"lua55\"]`, and the same on lua-wasm)"
);
#[cfg(not(any(feature = "lua54", feature = "lua55")))]
compile_error!(
    "lua-sys: no Lua version selected; enable the feature `lua54` or `lua55` \
     (lua-wasm: `features = [\"lua54\", <backend>]` when its default features are off)"
);

pub mod ffi {
    mod lauxlib;
    mod lua;
    mod lualib;
    pub use lauxlib::*;
    pub use lua::*;
    pub use lualib::*;
}

mod files;
pub mod host;
pub mod trampoline;
mod version;

pub use version::{RELEASE, VERSION, new_state};

#[cfg(target_arch = "wasm32")]
mod shim;

// The format and strtod modules are pure Rust; natively they are compiled for their tests,
// which compare them with glibc.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "shim/format.rs"]
mod format_vs_glibc;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "shim/strtod.rs"]
mod strtod_vs_glibc;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_rng;
