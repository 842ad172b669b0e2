//! Lua 5.4 in WebAssembly: a safe [`Lua`] type whose every allocation goes through the
//! allocator backend chosen by cargo feature (`talc`, `dlmalloc`, `buddy`, `bump`; natively
//! also `system`), and, on wasm32, the wasm-bindgen `LuaVm` JavaScript API.
//!
//! Errors never unwind through Rust: every call that can raise runs under `lua_pcall`
//! (see `protected.rs`) and comes back as a [`LuaError`].
//!
//! The sandbox: `print` writes to the state's output buffer ([`Lua::take_output`]) and
//! `os.exit` raises an error instead of ending the program. On wasm32 the libc shim also sends
//! `io.write` to that buffer, has no files, processes or environment (those calls return
//! `nil, message`), and its clock comes from the host.

mod backend;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
mod js_bench;
mod error;
mod lua;
mod output;
mod protected;

pub use backend::SelectedBackend;
pub use error::{ErrorKind, LuaError};
pub use lua::{Lua, MemoryStats, Options};

#[cfg(target_arch = "wasm32")]
pub use js::{LuaVm, backend_name};

/// On wasm32 the module's Rust heap uses the same backend as Lua, so one allocator is linked.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static GLOBAL: lua_allocators::GlobalBackend<SelectedBackend> = lua_allocators::GlobalBackend::new();
