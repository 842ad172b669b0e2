#![allow(non_snake_case)]

//! [`Chunk`]: Lua source on its way to running (`lua.load(code).name("app.lua").eval()`), and
//! the one place source is compiled. Only text chunks load, unless the state is trusted: Lua
//! does not verify bytecode, and crafted bytecode can corrupt the memory that every state of the
//! module shares.

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::error::{ErrorKind, LuaError, Result};
use crate::function::call_pushed;
use crate::lua::Lua;
use crate::state::Core;
use crate::value::Function;
use lua_sys::ffi::*;
use std::borrow::Cow;
use std::ffi::CString;

/// Source text that [`Lua::load`] accepts: `&str`, `String`, `&[u8]`, `Vec<u8>`.
pub trait AsChunk<'a> {
    /// The source's bytes.
    fn source(self) -> Cow<'a, [u8]>;
}

impl<'a> AsChunk<'a> for &'a str {
    fn source(self) -> Cow<'a, [u8]> {
        Cow::Borrowed(self.as_bytes())
    }
}

impl<'a> AsChunk<'a> for &'a String {
    fn source(self) -> Cow<'a, [u8]> {
        Cow::Borrowed(self.as_bytes())
    }
}

impl<'a> AsChunk<'a> for String {
    fn source(self) -> Cow<'a, [u8]> {
        Cow::Owned(self.into_bytes())
    }
}

impl<'a> AsChunk<'a> for &'a [u8] {
    fn source(self) -> Cow<'a, [u8]> {
        Cow::Borrowed(self)
    }
}

impl<'a> AsChunk<'a> for Vec<u8> {
    fn source(self) -> Cow<'a, [u8]> {
        Cow::Owned(self)
    }
}

/// A chunk of source with an optional name, run by [`exec`](Chunk::exec),
/// [`eval`](Chunk::eval) or [`call`](Chunk::call).
pub struct Chunk<'a> {
    lua: &'a Lua,
    source: Cow<'a, [u8]>,
    name: Option<String>,
}

impl<'a> Chunk<'a> {
    pub(crate) fn new(lua: &'a Lua, source: Cow<'a, [u8]>) -> Self {
        Chunk { lua, source, name: None }
    }

    /// The chunk's name in messages (`name:1: ...`). Without one, Lua quotes the source
    /// (`[string "..."]:1: ...`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Runs the chunk and drops its results.
    pub fn exec(self) -> Result<()> {
        self.call(())
    }

    /// Runs the chunk with `args` (its `...`) and converts its results.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(self, args: A) -> Result<R> {
        let name = chunk_name(&self.source, self.name.as_deref());
        call_pushed(self.lua, args, |core, L| load_named(core, L, &self.source, &name))
    }

    /// The value of the chunk: an expression (`1 + 1`) is evaluated as if it began with
    /// `return`; anything else runs as a block and gives its results.
    pub fn eval<R: FromLuaMulti>(self) -> Result<R> {
        let name = chunk_name(&self.source, self.name.as_deref());
        let expression = [b"return ".as_slice(), &self.source].concat();
        call_pushed(self.lua, (), |core, L| {
            load_named(core, L, &expression, &name).or_else(|_| load_named(core, L, &self.source, &name))
        })
    }

    /// Runs the chunk as a coroutine that may await Rust async functions
    /// ([`Lua::create_async_function`]); the future completes with its results. An expression
    /// is evaluated as in [`eval`](Chunk::eval).
    pub fn eval_async<R: FromLuaMulti>(self) -> impl std::future::Future<Output = Result<R>> + use<R> {
        let function = {
            let name = chunk_name(&self.source, self.name.as_deref());
            let expression = [b"return ".as_slice(), &self.source].concat();
            let core = self.lua.core();
            core.enter().and_then(|entry| {
                load_named(core, entry.L, &expression, &name).or_else(|_| load_named(core, entry.L, &self.source, &name))?;
                core.anchor_top(entry.L).map(Function)
            })
        };
        let call = function.map(|f| f.call_async::<(), R>(()));
        async move { call?.await }
    }

    /// The compiled chunk as a function, to call later.
    pub fn into_function(self) -> Result<Function> {
        let core = self.lua.core();
        let entry = core.enter()?;
        load(core, entry.L, &self.source, self.name.as_deref())?;
        core.anchor_top(entry.L).map(Function)
    }
}

/// Compiles `code` (text only) and pushes the function. `name` as in [`Chunk::name`]. A
/// failure is a syntax error, but for lack of memory.
pub(crate) fn load(core: &Core, L: *mut lua_State, code: &[u8], name: Option<&str>) -> Result<()> {
    load_named(core, L, code, &chunk_name(code, name))
}

fn load_named(core: &Core, L: *mut lua_State, code: &[u8], name: &CString) -> Result<()> {
    // SAFETY: L is live; lua_checkstack reports failure instead of raising, and lua_load runs
    // the parser in protected mode (it returns a status, it does not raise).
    let status = unsafe {
        if lua_checkstack(L, 1) == 0 {
            return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
        }
        let mode = if core.trusted { c"bt" } else { c"t" };
        luaL_loadbufferx(L, code.as_ptr().cast(), code.len(), name.as_ptr(), mode.as_ptr())
    };
    if status == LUA_OK {
        return Ok(());
    }
    let mut error = core.error_from_top(L, status);
    // SAFETY: the error object is on top.
    unsafe { lua_settop(L, -2) };
    // Not only LUA_ERRSYNTAX: source nested too deeply fails to compile with the parser's
    // "C stack overflow" (LUA_ERRRUN).
    if status != LUA_ERRMEM {
        error.kind = ErrorKind::Syntax;
        error.traceback.clear();
    }
    Err(error)
}

/// Lua's chunk name: `=name`, or the source itself (as `luaL_loadstring` does).
fn chunk_name(code: &[u8], name: Option<&str>) -> CString {
    let text = match name {
        Some(name) => format!("={name}").into_bytes(),
        None => code.to_vec(),
    };
    let escaped: Vec<u8> = text.split(|&b| b == 0).collect::<Vec<_>>().join(b"\\0".as_slice());
    CString::new(escaped).expect("NULs were replaced")
}
