//! Errors that come back from Lua, and errors Rust code raises into it.

use crate::value::Value;
use std::any::Any;
use std::fmt;
use std::rc::Rc;

/// What kind of failure a [`LuaError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The source did not compile (or was a binary chunk).
    Syntax,
    /// A run-time error raised by Lua code, a library or a host function.
    Runtime,
    /// The state ran out of memory (its memory limit, or the backend's memory).
    Memory,
    /// The per-call instruction limit was reached.
    InstructionLimit,
    /// The per-call time limit was reached.
    TimeLimit,
    /// The error handler itself failed.
    Handler,
    /// A value could not be converted (wrong type, out of range, nested too deeply).
    Conversion,
    /// The state was closed (or a handle was used with another state).
    Closed,
    /// A file operation of the embedder failed (`Lua::fs`).
    Io,
    /// Lua called `os.exit(code)`: the call ended there (the state stays usable).
    Exit {
        /// The exit code (`os.exit(true)` is 0, `os.exit(false)` 1).
        code: i32,
    },
}

impl ErrorKind {
    /// The name JavaScript sees as `LuaError.kind`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Runtime => "runtime",
            ErrorKind::Memory => "memory",
            ErrorKind::InstructionLimit => "instructionLimit",
            ErrorKind::TimeLimit => "timeLimit",
            ErrorKind::Handler => "handler",
            ErrorKind::Conversion => "conversion",
            ErrorKind::Closed => "closed",
            ErrorKind::Io => "io",
            ErrorKind::Exit { .. } => "exit",
        }
    }
}

/// A Lua error: its kind, Lua's message (what `lua.c` would print), the traceback where it was
/// raised (empty for syntax errors), and the error object itself.
#[derive(Clone)]
pub struct LuaError {
    /// What failed.
    pub kind: ErrorKind,
    /// Lua's message, as `lua.c` would print it.
    pub message: String,
    /// Lua's traceback where the error was raised (empty for syntax errors).
    pub traceback: String,
    /// The Lua error object (`error({code = 1})` keeps its table). None for errors made in
    /// Rust, and when the object could not be kept (out of memory).
    pub value: Option<Value>,
    /// What a host function raised, handed back unchanged when no Lua code caught it (on wasm32,
    /// the original JavaScript exception).
    pub(crate) cause: Option<Rc<dyn Any>>,
}

impl LuaError {
    /// An error of `kind` with `message` and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        LuaError { kind, message: message.into(), traceback: String::new(), value: None, cause: None }
    }

    /// A run-time error: what a Rust function returns to make Lua raise `message`.
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, message)
    }

    pub(crate) fn conversion(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conversion, message)
    }

    pub(crate) fn closed() -> Self {
        Self::new(ErrorKind::Closed, "the Lua state is closed")
    }

    pub(crate) fn memory(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Memory, message)
    }

    /// The host value a host function raised (see `cause`), if it is a `T`.
    pub fn cause<T: 'static>(&self) -> Option<&T> {
        self.cause.as_deref()?.downcast_ref()
    }

    #[cfg_attr(not(all(target_arch = "wasm32", feature = "js")), allow(dead_code))] // JS exceptions are the one cause so far
    pub(crate) fn with_cause(mut self, cause: Rc<dyn Any>) -> Self {
        self.cause = Some(cause);
        self
    }
}

impl fmt::Debug for LuaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LuaError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("traceback", &self.traceback)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// Equal when kind, message, traceback and value are.
impl PartialEq for LuaError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message && self.traceback == other.traceback && self.value == other.value
    }
}

impl fmt::Display for LuaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LuaError {}

/// The result of anything that can fail in Lua.
pub type Result<T, E = LuaError> = std::result::Result<T, E>;
