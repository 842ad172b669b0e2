//! Errors that come back from Lua.

use std::fmt;

/// What kind of failure a [`LuaError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The source did not compile (or was a binary chunk).
    Syntax,
    /// A run-time error raised by Lua code or a library.
    Runtime,
    /// The state ran out of memory (its memory limit, or the backend's memory).
    Memory,
    /// The per-call instruction limit was reached.
    InstructionLimit,
    /// The error handler itself failed.
    Handler,
}

/// A Lua error: Lua's message, and the traceback where it was raised (empty for syntax errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LuaError {
    pub kind: ErrorKind,
    pub message: String,
    pub traceback: String,
}

impl fmt::Display for LuaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LuaError {}
