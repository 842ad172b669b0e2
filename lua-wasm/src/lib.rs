//! Lua 5.4 in WebAssembly.
