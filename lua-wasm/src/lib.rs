//! Lua 5.4 (or 5.5, feature `lua55`) in WebAssembly: a safe [`Lua`] type whose every allocation
//! goes through the allocator backend chosen by cargo feature, and, on wasm32 with the feature
//! `js`, the wasm-bindgen `LuaVm` JavaScript API built on it.
//!
//! # Features
//!
//! - **The backend** of [`Lua::new`] ([`SelectedBackend`]): one of `talc`, `dlmalloc`, `buddy`,
//!   `bump`, `slab`, natively also `system`. `default-backend` (a default feature) means talc
//!   unless one of those is on, so `features = ["buddy"]` gives buddy with or without
//!   `default-features = false`. No backend, or two (cargo unites the features of every crate
//!   in a build), is a build error that says what to change. [`Lua::with_backend`] takes any
//!   `lua_allocators` backend. What they cost, from the workspace's report (README.md, "Results";
//!   figures vary by a few percent between runs): modules of about 165 KiB (gzip) within
//!   3.5 KiB of each other; talc, dlmalloc, buddy and slab within 15% of each other in speed, bump and
//!   slab the fastest; memory efficiency (peak live / memory taken) about 0.8 for talc and
//!   dlmalloc, 0.96 for slab, 0.65 for buddy (power-of-two blocks), and near 0 for bump, which
//!   never reuses freed memory (short-lived states only).
//! - **The Lua version**: `lua54` (default) or `lua55`, exactly one.
//! - **`js`** (wasm32): the `LuaVm` JavaScript exports. Off by default, so a crate using this
//!   one exports only its own functions.
//! - **`global-allocator`** (wasm32): the selected backend as the `#[global_allocator]`, so the
//!   module links one allocator. Off by default, so a crate may have its own.
//!
//! For wasm32 builds use a size-optimised release profile (`opt-level = "s"`, `lto = true`,
//! `codegen-units = 1`, `panic = "abort"`), as README.md explains; `examples/downstream` in the
//! repository is a crate set up this way.
//!
//! The value API follows mlua: [`Value`], [`Table`], [`Function`], [`LuaString`] handles,
//! [`Lua::create_function`] for Rust closures, [`Lua::load`] for source, and the
//! [`IntoLua`]/[`FromLua`] conversions (see `convert.rs` for the list).
//!
//! ```
//! use lua_wasm::{Lua, Options, Table};
//! let lua = Lua::new(Options::default())?;
//! let greet = lua.create_function(|_, name: String| Ok(format!("hello, {name}")))?;
//! lua.globals().set("greet", greet)?;
//! let config: Table = lua.load("return { name = greet('lua'), sizes = {1, 2, 3} }").eval()?;
//! assert_eq!(config.get::<_, String>("name")?, "hello, lua");
//! assert_eq!(config.get::<_, Vec<i64>>("sizes")?, vec![1, 2, 3]);
//! # Ok::<(), lua_wasm::LuaError>(())
//! ```
//!
//! Errors never unwind through Rust: every Lua call that can raise runs under `lua_pcall`
//! (see `state.rs`) and comes back as a [`LuaError`]; an error returned by a Rust function is
//! raised by a C trampoline after the Rust frames have returned (see `callback.rs`).
//!
//! The sandbox, on every target: each state has its own world instead of the host's. Lua's
//! `io`, `os.remove`/`rename`/`tmpname`, `loadfile`, `dofile` and `require` use an in-memory file
//! system ([`Lua::fs`]) whose bytes count against the memory limit; standard output and error go
//! to buffers ([`Lua::take_output`], [`Lua::take_error_output`]) or sinks ([`Lua::on_stdout`]);
//! standard input and `os.getenv` see [`Options::stdin`] and [`Options::env`]; `os.exit` ends
//! the call with [`ErrorKind::Exit`]; there are no processes. Binary chunks and `__gc`
//! metamethods need [`Options::trusted`]; `debug.sethook` works beside the limits.

#![warn(missing_docs)]

mod allocator;
mod backend;
mod async_call;
mod callback;
mod chunk;
mod convert;
mod debug_hook;
mod error;
mod error_bridge;
mod fs;
mod function;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
mod js_bench;
mod limits;
mod lua;
mod output;
mod protect;
mod reference;
mod sandbox;
mod stack;
mod state;
mod string;
mod table;
mod userdata;
mod value;

pub use allocator::SelectedBackend;
pub use chunk::{AsChunk, Chunk};
pub use convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
pub use error::{ErrorKind, LuaError, Result};
pub use fs::Fs;
pub use lua::{Lua, MAX_INSTRUCTION_LIMIT, MemoryStats, Options};
pub use lua_allocators::{AllocStats, Footprint};
pub use table::{Pairs, SequenceValues};
pub use value::{AnyUserData, Function, LuaString, MultiValue, Table, Thread, Value, Variadic};

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub use js::{LuaVm, backend_name};

/// The Lua version compiled in: "5.4" or "5.5" (cargo features `lua54`, `lua55`).
pub const LUA_VERSION: &str = lua_sys::VERSION;

/// With the `global-allocator` feature on wasm32, the module's Rust heap uses the same backend as
/// Lua, so one allocator is linked (the harness's JavaScript modules do this).
#[cfg(all(target_arch = "wasm32", feature = "global-allocator"))]
#[global_allocator]
static GLOBAL: lua_allocators::GlobalBackend<SelectedBackend> = lua_allocators::GlobalBackend::new();
