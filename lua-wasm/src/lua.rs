#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! [`Lua`]: a Lua state (5.4, or 5.5 with feature `lua55`) whose allocations go through a
//! chosen backend, with output capture, memory, instruction and time limits, errors as values,
//! and the value API (tables, functions, Rust callbacks) in the style of mlua.

use crate::allocator::{OwnedAllocator, SelectedBackend};
use crate::callback::{self, Callback, Return};
use crate::chunk::{self, AsChunk, Chunk};
use crate::convert::{FromLuaMulti, IntoLua, IntoLuaMulti};
use crate::error::{LuaError, Result};
use crate::sandbox;
use crate::reference::LuaRef;
use crate::stack::string_bytes;
use crate::state::Core;
use crate::value::{Function, LuaString, Table};
use core::ffi::{c_int, c_void};
use lua_allocators::{AllocStats, Backend, Footprint};
use lua_sys::ffi::*;
use std::rc::Rc;

/// Limits, trust, standard input and environment of a new state.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Bytes the state may hold at once (0: no limit).
    pub memory_limit: usize,
    /// Lua VM instructions allowed per call into Lua, counted over every coroutine (0: no
    /// limit; at most [`MAX_INSTRUCTION_LIMIT`]). Checked every 1,000 instructions.
    pub instruction_limit: u32,
    /// Milliseconds allowed per call into Lua (0: no limit), checked every 1,000 instructions
    /// and every 16 function calls; one long call into C is not interrupted.
    pub time_limit_ms: u32,
    /// Trusted code may load binary chunks (`load`, `loadfile`, `dofile`, `require`) and set
    /// `__gc` metamethods (whose finalizers run outside the limits). Off by default: Lua does
    /// not verify bytecode, and malformed bytecode can corrupt the state's memory.
    pub trusted: bool,
    /// What `io.read` and `io.stdin` read (end of file after it).
    pub stdin: Vec<u8>,
    /// The variables `os.getenv` sees (names and values without NUL bytes); none by default.
    pub env: Vec<(String, String)>,
}

/// The largest instruction limit (Lua's count hook takes a C `int`).
pub const MAX_INSTRUCTION_LIMIT: u32 = i32::MAX as u32;

/// Memory figures of one state.
#[derive(Clone, Copy, Debug)]
pub struct MemoryStats {
    /// The backend's name (`"talc"`, ...).
    pub backend: &'static str,
    /// Live and peak bytes and the counts of allocations, reallocations, frees and failures.
    pub alloc: AllocStats,
    /// The memory limit in bytes (0: none).
    pub limit_bytes: usize,
    /// Memory the backend holds from its page source.
    pub footprint: Footprint,
}

/// A Lua state with the standard libraries open (sandboxed: see the crate docs).
///
/// Methods take `&self`: a Rust function called from Lua receives `&Lua` and may call back
/// into the same state. Dropping the `Lua` closes the state; handles to its values
/// ([`Table`], [`Function`], ...) that outlive it report [`ErrorKind::Closed`](crate::ErrorKind::Closed).
#[repr(transparent)]
pub struct Lua {
    core: Rc<Core>,
}

impl Lua {
    /// A state on the backend selected by cargo feature.
    pub fn new(options: Options) -> Result<Self> {
        Self::with_backend(SelectedBackend::default(), options)
    }

    /// A state whose every allocation goes through `backend`.
    pub fn with_backend<B: Backend + 'static>(backend: B, options: Options) -> Result<Self> {
        if options.instruction_limit > MAX_INSTRUCTION_LIMIT {
            return Err(LuaError::conversion(format!("the instruction limit is at most {MAX_INSTRUCTION_LIMIT}")));
        }
        let env = options
            .env
            .iter()
            .map(|(name, value)| match (name.contains(['\0', '=']), std::ffi::CString::new(value.as_str())) {
                (false, Ok(value)) => Ok((name.as_bytes().to_vec(), value)),
                _ => Err(LuaError::conversion(format!("environment variable {name:?}: names hold no NUL or '=', values no NUL"))),
            })
            .collect::<Result<Vec<_>>>()?;
        crate::output::install_clocks();
        let allocator = OwnedAllocator::new(backend, options.memory_limit);
        let (alloc, ud) = allocator.lua_alloc();
        let core = Rc::new(Core::new(allocator, &options));
        core.files.set_env(env);
        core.files.set_stdin(options.stdin.clone());
        // SAFETY: the allocator's userdata lives in the Core, which outlives the state.
        let raw = unsafe { lua_sys::new_state(alloc, ud) };
        if raw.is_null() {
            return Err(LuaError::memory("cannot create a Lua state: not enough memory"));
        }
        let core_ptr = Rc::as_ptr(&core);
        // SAFETY: the extra space holds one pointer; the Core outlives the state. lua_setwarnf
        // allocates nothing. (`lua_newstate`, unlike `luaL_newstate`, installs no warning
        // function: `warn` would be silent.)
        unsafe {
            *(lua_getextraspace(raw) as *mut *const Core) = core_ptr;
            lua_setwarnf(raw, Some(sandbox::warn), core_ptr as *mut c_void);
        }
        core.set_main(raw);
        let lua = Lua { core };
        {
            let entry = lua.core.enter()?;
            // SAFETY: open_body only calls Lua's API on the state it is given.
            lua.core.protect(entry.L, 0, 0, &mut |L| unsafe { sandbox::open_body(L) })?;
        }
        Ok(lua)
    }

    /// The `Lua` of a Core's Rc, without a new strong count (`Lua` is a transparent Rc).
    pub(crate) fn from_rc(core: &Rc<Core>) -> &Lua {
        // SAFETY: `Lua` is `repr(transparent)` over `Rc<Core>`; a `&Lua` never drops it.
        unsafe { &*(core as *const Rc<Core> as *const Lua) }
    }

    pub(crate) fn core(&self) -> &Core {
        &self.core
    }

    /// Runs a text chunk and returns its results through `tostring`, joined by tabs.
    /// `chunk_name` names the chunk in messages (`name:1: …`); without it, Lua quotes the
    /// source (`[string "…"]:1: …`).
    pub fn exec(&self, code: &str, chunk_name: Option<&str>) -> Result<String> {
        let core = self.core();
        let entry = core.enter()?;
        let L = entry.L;
        chunk::load(core, L, code.as_bytes(), chunk_name)?;
        // SAFETY: L is live.
        let base = unsafe { lua_gettop(L) } - 1;
        core.call(L, 0, LUA_MULTRET)?;
        // SAFETY: L is live.
        let count = unsafe { lua_gettop(L) } - base;
        let mut results = Vec::new();
        core.protect(L, count, 0, &mut |L| {
            for index in 1..=count {
                // SAFETY: the results are the arguments 1..=count; luaL_tolstring leaves a
                // string that is copied before it is popped.
                unsafe {
                    if index > 1 {
                        results.push(b'\t');
                    }
                    luaL_tolstring(L, index, core::ptr::null_mut());
                    results.extend_from_slice(string_bytes(L, -1));
                    lua_settop(L, count);
                }
            }
            0
        })?;
        Ok(String::from_utf8_lossy(&results).into_owned())
    }

    /// A chunk of Lua source to run: `lua.load("return 1 + 1").eval::<i64>()`.
    pub fn load<'a>(&'a self, code: impl AsChunk<'a>) -> Chunk<'a> {
        Chunk::new(self, code.source())
    }

    /// The global table `_G`.
    pub fn globals(&self) -> Table {
        Table(LuaRef::permanent(self.core(), LUA_RIDX_GLOBALS as c_int))
    }

    /// A new empty table.
    pub fn create_table(&self) -> Result<Table> {
        self.create_table_with_capacity(0, 0)
    }

    /// A new empty table with room for `array` sequence items and `hash` other keys.
    pub fn create_table_with_capacity(&self, array: usize, hash: usize) -> Result<Table> {
        let core = self.core();
        let entry = core.enter()?;
        let (array, hash) = (c_int::try_from(array).unwrap_or(c_int::MAX), c_int::try_from(hash).unwrap_or(c_int::MAX));
        core.protect(entry.L, 0, 1, &mut |L| {
            // SAFETY: L is live; the table is the body's one result.
            unsafe { lua_createtable(L, array, hash) };
            1
        })?;
        core.anchor_top(entry.L).map(Table)
    }

    /// A table with the given key/value pairs.
    pub fn create_table_from<K: IntoLua, V: IntoLua>(&self, pairs: impl IntoIterator<Item = (K, V)>) -> Result<Table> {
        let table = self.create_table()?;
        for (key, value) in pairs {
            table.raw_set(key, value)?;
        }
        Ok(table)
    }

    /// A sequence table `{[1] = first, [2] = second, ...}`.
    pub fn create_sequence_from<T: IntoLua>(&self, values: impl IntoIterator<Item = T>) -> Result<Table> {
        let values = values.into_iter();
        let table = self.create_table_with_capacity(values.size_hint().0, 0)?;
        for (index, value) in values.enumerate() {
            table.raw_set(index as i64 + 1, value)?;
        }
        Ok(table)
    }

    /// A Lua string holding exactly `bytes`.
    pub fn create_string(&self, bytes: impl AsRef<[u8]>) -> Result<LuaString> {
        let core = self.core();
        let entry = core.enter()?;
        core.create_string(entry.L, bytes.as_ref()).map(LuaString)
    }

    /// A Lua function that calls `function` with its arguments converted to `A` and returns its
    /// results converted from `R`. An `Err` becomes a Lua error (which `pcall` catches; uncaught,
    /// it comes back to the Rust caller unchanged). The function may call back into this state.
    ///
    /// A panic inside `function` is turned into a Lua error where panics unwind (native test
    /// builds); where they abort (wasm32, and this workspace's release profile) the program ends.
    pub fn create_function<A, R, F>(&self, function: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + 'static,
    {
        self.create_callback(Box::new(move |lua, L, _nargs| {
            let core = lua.core();
            let args = A::from_lua_multi(core.values_from(L, 1)?, lua)?;
            let results = function(lua, args)?.into_lua_multi(lua)?;
            for value in results.iter() {
                core.push_value(L, value)?;
            }
            Ok(Return::Values(results.len() as c_int))
        }))
    }

    /// A Lua function backed by a low-level callback (see `callback.rs`).
    pub(crate) fn create_callback(&self, callback: Box<Callback>) -> Result<Function> {
        let core = self.core();
        let entry = core.enter()?;
        callback::push(core, entry.L, callback)?;
        core.anchor_top(entry.L).map(Function)
    }

    /// Compiles `source` now (a syntax error is returned here) and makes `require(name)` run it.
    pub fn register_module(&self, name: &str, source: &str) -> Result<()> {
        let core = self.core();
        let entry = core.enter()?;
        chunk::load(core, entry.L, source.as_bytes(), Some(name))?;
        core.protect(entry.L, 1, 0, &mut |L| {
            // SAFETY: the compiled chunk is argument 1; the name bytes are copied by Lua.
            unsafe {
                luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE.as_ptr());
                lua_pushlstring(L, name.as_ptr().cast(), name.len());
                lua_pushvalue(L, 1);
                lua_settable(L, -3);
            }
            0
        })
    }

    /// Everything `print`, `io.write` and `io.stdout` wrote since the last call, as text
    /// (bytes that are not UTF-8 become U+FFFD; see [`Lua::take_output_bytes`]).
    pub fn take_output(&self) -> String {
        String::from_utf8_lossy(&self.take_output_bytes()).into_owned()
    }

    /// Everything written to standard output since the last call, byte for byte.
    pub fn take_output_bytes(&self) -> Vec<u8> {
        std::mem::take(&mut *self.core.output.borrow_mut())
    }

    /// Everything `io.stderr` and warnings wrote since the last call, as text.
    pub fn take_error_output(&self) -> String {
        String::from_utf8_lossy(&self.take_error_output_bytes()).into_owned()
    }

    /// Everything written to standard error since the last call, byte for byte.
    pub fn take_error_output_bytes(&self) -> Vec<u8> {
        std::mem::take(&mut *self.core.error_output.borrow_mut())
    }

    /// Sends standard output to `sink`, chunk by chunk as it is written, instead of the buffer
    /// of [`Lua::take_output`] (None: back to the buffer). The sink may call into this state.
    pub fn on_stdout(&self, sink: Option<Box<dyn FnMut(&[u8])>>) {
        self.core.set_sink(1, sink);
    }

    /// Sends standard error to `sink` instead of the buffer of [`Lua::take_error_output`].
    pub fn on_stderr(&self, sink: Option<Box<dyn FnMut(&[u8])>>) {
        self.core.set_sink(2, sink);
    }

    /// Replaces standard input (`io.read`, `io.stdin`): reading starts at its first byte.
    pub fn set_stdin(&self, bytes: impl Into<Vec<u8>>) {
        self.core.files.set_stdin(bytes.into());
    }

    /// The state's in-memory file system, which Lua's `io`, `os.remove`, `os.rename`,
    /// `loadfile`, `dofile` and `require` use.
    pub fn fs(&self) -> crate::fs::Fs<'_> {
        crate::fs::Fs::new(&self.core)
    }

    /// Memory figures for this state.
    pub fn memory_stats(&self) -> MemoryStats {
        let allocator = &self.core.allocator;
        MemoryStats {
            backend: allocator.name(),
            alloc: allocator.stats(),
            limit_bytes: allocator.limit(),
            footprint: allocator.footprint(),
        }
    }

    /// Changes the memory limit (0: none). A limit below the live size stops growth until
    /// enough is freed.
    pub fn set_memory_limit(&self, bytes: usize) {
        self.core.allocator.set_limit(bytes);
    }

    /// Changes the per-call instruction limit (0: none); it applies from the next call.
    pub fn set_instruction_limit(&self, instructions: u32) -> Result<()> {
        if instructions > MAX_INSTRUCTION_LIMIT {
            return Err(LuaError::conversion(format!("the instruction limit is at most {MAX_INSTRUCTION_LIMIT}")));
        }
        self.core.instruction_limit.set(instructions);
        Ok(())
    }

    /// Runs a full garbage collection.
    pub fn collect_garbage(&self) -> Result<()> {
        let core = self.core();
        let entry = core.enter()?;
        core.protect(entry.L, 0, 0, &mut |L| {
            // SAFETY: L is live.
            unsafe { lua_gc(L, LUA_GCCOLLECT) };
            0
        })
    }

    /// Changes the per-call time limit in milliseconds (0: none); it applies from the next call.
    pub fn set_time_limit(&self, milliseconds: u32) {
        self.core.time_limit_ms.set(milliseconds);
    }

    /// Whether Lua code is running now (true inside a Rust function called from Lua).
    pub fn is_running(&self) -> bool {
        self.core.is_running()
    }

    /// The text `tostring` gives for a float (`%.14g`, with `.0` for integral values).
    pub(crate) fn number_to_string(&self, n: f64) -> Result<String> {
        let core = self.core();
        let entry = core.enter()?;
        let mut text = String::new();
        core.protect(entry.L, 0, 0, &mut |L| {
            // SAFETY: L is live; the string is copied before the body returns.
            unsafe {
                lua_pushnumber(L, n);
                luaL_tolstring(L, -1, core::ptr::null_mut());
                text.push_str(&String::from_utf8_lossy(string_bytes(L, -1)));
            }
            0
        })?;
        Ok(text)
    }

    /// Closes the state and returns the allocator's final figures: after a clean close,
    /// `live_bytes` is 0.
    pub fn close(self) -> AllocStats {
        self.core.close();
        self.core.allocator.stats()
    }

    /// Closes the state, then shows the final figures and the backend itself (for example a
    /// `Checked` backend's leak report) to `inspect`. Panics if the backend is not a `B`.
    pub fn close_and_inspect<B: 'static, R>(self, inspect: impl FnOnce(&AllocStats, &B) -> R) -> R {
        self.core.close();
        inspect(&self.core.allocator.stats(), self.backend::<B>())
    }

    /// The backend under the limit and statistics layers. Panics if it is not a `B`.
    pub fn backend<B: 'static>(&self) -> &B {
        self.core.allocator.backend().downcast_ref().expect("the Lua state's backend is of the type asked for")
    }
}

impl Drop for Lua {
    fn drop(&mut self) {
        // Handles may keep the Core (and the allocator in it) alive; the state closes now.
        self.core.close();
    }
}
