//! Lua 5.4, compiled from the `lua-src` crate's C sources, natively and for
//! `wasm32-unknown-unknown`.
//!
//! - [`ffi`]: hand-written bindings to `lua.h`, `lauxlib.h` and `lualib.h`. Functions that can
//!   raise a Lua error are `extern "C-unwind"`.
//! - [`trampoline`]: the `lua_Alloc` function that sends every allocation to a
//!   [`lua_allocators::Backend`].
//! - `shim` (wasm32 only): the small libc Lua is compiled against there. Its host hooks (where
//!   standard output goes, what time it is) are set through [`host`].

#![allow(non_camel_case_types, non_snake_case)]

pub mod ffi {
    mod lauxlib;
    mod lua;
    mod lualib;
    pub use lauxlib::*;
    pub use lua::*;
    pub use lualib::*;
}

pub mod host;
pub mod trampoline;

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
