//! Lua 5.4 (or 5.5, feature `lua55`) in WebAssembly: a safe [`Lua`] type whose every allocation
//! goes through the allocator backend chosen by cargo feature (`talc`, `dlmalloc`, `buddy`,
//! `bump`; natively also `system`), and, on wasm32, the wasm-bindgen `LuaVm` JavaScript API
//! built on it.
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
