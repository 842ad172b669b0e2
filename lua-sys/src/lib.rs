//! FFI to Lua 5.4.
