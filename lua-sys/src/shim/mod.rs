//! The Rust half of the libc shim Lua is compiled against on wasm32-unknown-unknown (the C
//! half, and the headers, are in `lua-sys/shim/`). Each module exports C symbols.

mod exports;
mod format;
mod heap;
mod math;
mod strtod;
mod time;
