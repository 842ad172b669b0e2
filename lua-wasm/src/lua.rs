#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! [`Lua`]: a Lua 5.4 state whose allocations go through a chosen backend, with output
//! capture, memory and instruction limits, and errors as values.

use crate::backend::{SelectedBackend, StateAllocator, new_state_allocator};
use crate::error::{ErrorKind, LuaError};
use crate::output;
use crate::protected::{self, Body, ExecRequest, Extra};
use core::ffi::{c_int, c_void};
use lua_allocators::{AllocStats, Backend, Footprint};
use lua_sys::ffi::*;
use lua_sys::trampoline::lua_alloc;
use std::ffi::CString;
use std::ptr::NonNull;

/// Limits applied to a new state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Bytes the state may hold at once (0: no limit).
    pub memory_limit: usize,
    /// Lua VM instructions allowed per call into Lua (0: no limit; at most `u32::MAX / 2`).
    pub instruction_limit: u32,
}

/// Memory figures of one state.
#[derive(Clone, Copy, Debug)]
pub struct MemoryStats {
    pub backend: &'static str,
    pub alloc: AllocStats,
    pub limit_bytes: usize,
    pub footprint: Footprint,
}

/// A Lua 5.4 state with the standard libraries open (sandboxed: see the crate docs).
pub struct Lua<B: Backend = SelectedBackend> {
    /// None once closed.
    state: Option<NonNull<lua_State>>,
    // Boxed: Lua keeps raw pointers to both, so they must not move. Dropped after lua_close.
    allocator: Box<StateAllocator<B>>,
    extra: Box<Extra>,
    output: Vec<u8>,
}

impl Lua<SelectedBackend> {
    /// A state on the backend selected by cargo feature.
    pub fn new(options: Options) -> Result<Self, LuaError> {
        Self::with_backend(SelectedBackend::default(), options)
    }
}

impl<B: Backend> Lua<B> {
    /// A state whose every allocation goes through `backend`.
    pub fn with_backend(backend: B, options: Options) -> Result<Self, LuaError> {
        let mut allocator = Box::new(new_state_allocator(backend));
        allocator.inner_mut().set_limit(options.memory_limit);
        let ud = &mut *allocator as *mut StateAllocator<B> as *mut c_void;
        // SAFETY: the trampoline's userdata is the boxed allocator, which outlives the state.
        let raw = unsafe { lua_newstate(lua_alloc::<StateAllocator<B>>, ud) };
        let Some(state) = NonNull::new(raw) else {
            return Err(memory_error("cannot create a Lua state: not enough memory"));
        };
        let mut extra = Box::new(Extra {
            instruction_limit: options.instruction_limit.min(u32::MAX / 2),
            limit_hit: false,
            traceback: String::new(),
            warnings_on: false,
            warning_continues: false,
        });
        // SAFETY: the extra space holds one pointer; the box outlives the state.
        unsafe { *(lua_getextraspace(state.as_ptr()) as *mut *mut Extra) = &mut *extra };
        // SAFETY: as above; lua_setwarnf allocates nothing. (`lua_newstate`, unlike
        // `luaL_newstate`, installs no warning function: `warn` would be silent.)
        unsafe { lua_setwarnf(state.as_ptr(), Some(protected::warn), &mut *extra as *mut Extra as *mut c_void) };
        let mut lua = Lua { state: Some(state), allocator, extra, output: Vec::new() };
        lua.protected(protected::open_body, std::ptr::null_mut())?;
        Ok(lua)
    }

    /// Runs a text chunk and returns its results through `tostring`, joined by tabs.
    /// `chunk_name` names the chunk in messages (`name:1: …`); without it, Lua quotes the
    /// source (`[string "…"]:1: …`).
    pub fn exec(&mut self, code: &str, chunk_name: Option<&str>) -> Result<String, LuaError> {
        let name = match chunk_name {
            Some(name) => format!("={name}"),
            None => code.to_owned(),
        };
        let name = CString::new(name.replace('\0', "\\0")).expect("NULs were replaced");
        let mut request = ExecRequest { code: code.as_bytes(), chunk_name: &name, load_status: LUA_OK, results: Vec::new() };
        let result = self.protected(protected::exec_body, &mut request as *mut ExecRequest as *mut c_void);
        match result {
            Ok(()) => Ok(String::from_utf8_lossy(&request.results).into_owned()),
            Err(mut error) => {
                // Not only LUA_ERRSYNTAX: source nested too deeply fails to compile with the
                // parser's "C stack overflow" (LUA_ERRRUN).
                if request.load_status != LUA_OK && request.load_status != LUA_ERRMEM {
                    error.kind = ErrorKind::Syntax;
                    error.traceback.clear();
                }
                Err(error)
            }
        }
    }

    /// Makes `require(name)` load `source` (through `package.preload`).
    pub fn register_module(&mut self, name: &str, source: &str) -> Result<(), LuaError> {
        struct Args<'a>(&'a str, &'a str);
        unsafe extern "C-unwind" fn push_and_register(L: *mut lua_State) -> c_int {
            // SAFETY: `register_module` passes its live Args; lua_pushlstring copies the bytes.
            unsafe {
                let args = &*(lua_touserdata(L, 1) as *const Args);
                lua_settop(L, 0);
                lua_pushlstring(L, args.0.as_ptr().cast(), args.0.len());
                lua_pushlstring(L, args.1.as_ptr().cast(), args.1.len());
                protected::register_module_body(L)
            }
        }
        let mut args = Args(name, source);
        self.protected(push_and_register, &mut args as *mut Args as *mut c_void)
    }

    /// Everything `print`, `io.write` and warnings wrote since the last call.
    pub fn take_output(&mut self) -> String {
        let bytes = std::mem::take(&mut self.output);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Memory figures for this state.
    pub fn memory_stats(&self) -> MemoryStats {
        MemoryStats {
            backend: self.allocator.name(),
            alloc: self.allocator.stats(),
            limit_bytes: self.allocator.inner().limit(),
            footprint: self.allocator.footprint(),
        }
    }

    /// Changes the memory limit (0: none). A limit below the live size stops growth until
    /// enough is freed.
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.allocator.inner_mut().set_limit(bytes);
    }

    /// Changes the per-call instruction limit (0: none).
    pub fn set_instruction_limit(&mut self, instructions: u32) {
        self.extra.instruction_limit = instructions.min(u32::MAX / 2);
    }

    /// Runs a full garbage collection.
    pub fn collect_garbage(&mut self) -> Result<(), LuaError> {
        self.protected(protected::collect_body, std::ptr::null_mut())
    }

    /// Sets global `name` to a C function (for example one written in Rust as
    /// `unsafe extern "C-unwind" fn(*mut lua_State) -> c_int`, which may raise Lua errors with
    /// `luaL_error` as long as it holds no values with destructors when it does).
    pub fn set_global_function(&mut self, name: &str, function: lua_CFunction) -> Result<(), LuaError> {
        struct Args<'a>(&'a str, lua_CFunction);
        unsafe extern "C-unwind" fn body(L: *mut lua_State) -> c_int {
            // SAFETY: `set_global_function` passes its live Args; the name bytes are copied.
            unsafe {
                let args = &*(lua_touserdata(L, 1) as *const Args);
                lua_pushcclosure(L, args.1, 0);
                lua_pushlstring(L, args.0.as_ptr().cast(), args.0.len());
                lua_rotate(L, -2, 1);
                lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
                lua_rotate(L, -3, 1);
                lua_rawset(L, -3);
            }
            0
        }
        let mut args = Args(name, function);
        self.protected(body, &mut args as *mut Args as *mut c_void)
    }

    /// Closes the state and returns the allocator's final figures: after a clean close,
    /// `live_bytes` is 0.
    pub fn close(mut self) -> AllocStats {
        self.close_state();
        self.allocator.stats()
    }

    /// Closes the state, then shows the final figures and the backend itself (for example a
    /// `Checked` backend's leak report) to `inspect`.
    pub fn close_and_inspect<R>(mut self, inspect: impl FnOnce(&AllocStats, &B) -> R) -> R {
        self.close_state();
        inspect(&self.allocator.stats(), self.allocator.inner().inner())
    }

    /// The backend under the limit and statistics layers.
    pub fn backend(&self) -> &B {
        self.allocator.inner().inner()
    }

    fn close_state(&mut self) {
        if let Some(state) = self.state.take() {
            // SAFETY: the state is valid and closed once (it was just taken out); the
            // allocator and Extra it points to are still alive.
            unsafe { lua_close(state.as_ptr()) };
        }
    }

    fn raw(&self) -> *mut lua_State {
        self.state.expect("the state is open until close or drop").as_ptr()
    }

    /// Calls `body` with `arg` as a light userdata under `lua_pcall`, with the traceback
    /// handler, output redirected to this state and the instruction limit armed.
    fn protected(&mut self, body: Body, arg: *mut c_void) -> Result<(), LuaError> {
        let L = self.raw();
        let _redirect = output::redirect(&mut self.output);
        self.extra.limit_hit = false;
        self.extra.traceback.clear();
        let limit = self.extra.instruction_limit;
        // SAFETY: L is valid; the pushes below allocate nothing (light C functions and a
        // light userdata) and LUA_MINSTACK guarantees the slots.
        let status = unsafe {
            if limit > 0 {
                lua_sethook(L, Some(protected::instruction_limit_hook), LUA_MASKCOUNT, limit as c_int);
            } else {
                lua_sethook(L, None, 0, 0);
            }
            lua_settop(L, 0);
            lua_pushcclosure(L, protected::traceback_handler, 0);
            lua_pushcclosure(L, body, 0);
            lua_pushlightuserdata(L, arg);
            lua_pcallk(L, 1, 0, 1, 0, None)
        };
        if status == LUA_OK {
            // SAFETY: L is valid.
            unsafe { lua_settop(L, 0) };
            return Ok(());
        }
        let error = self.error_from_stack(status);
        // SAFETY: L is valid; clearing the stack lets the error object be collected.
        unsafe { lua_settop(L, 0) };
        Err(error)
    }

    /// Builds a LuaError from the error object on top of the stack.
    fn error_from_stack(&mut self, status: c_int) -> LuaError {
        let L = self.raw();
        let kind = match status {
            LUA_ERRMEM => ErrorKind::Memory,
            LUA_ERRERR => ErrorKind::Handler,
            LUA_ERRSYNTAX => ErrorKind::Syntax,
            _ if self.extra.limit_hit => ErrorKind::InstructionLimit,
            _ => ErrorKind::Runtime,
        };
        // SAFETY: L is valid; lua_type and lua_typename never raise.
        let type_name = unsafe { std::ffi::CStr::from_ptr(lua_typename(L, lua_type(L, -1))) }.to_string_lossy();
        let fallback = format!("(error object is a {type_name} value)");
        let message = self.stringify_top().unwrap_or(fallback);
        LuaError { kind, message, traceback: std::mem::take(&mut self.extra.traceback) }
    }

    /// The value on top of the stack through `tostring`, under protection (its `__tostring`
    /// may fail too); None when that fails.
    fn stringify_top(&mut self) -> Option<String> {
        let L = self.raw();
        // SAFETY: L is valid; reading a string allocates nothing.
        unsafe {
            // A string (the usual case, and always "not enough memory" after LUA_ERRMEM) is read
            // as it is: the protected call below needs memory (a CallInfo, the "__tostring"
            // key), so out of memory it would fail and lose the message.
            if lua_type(L, -1) == LUA_TSTRING {
                let mut len = 0;
                let text = lua_tolstring(L, -1, &mut len);
                let bytes = std::slice::from_raw_parts(text.cast::<u8>(), len);
                return Some(String::from_utf8_lossy(bytes).into_owned());
            }
        }
        // SAFETY: L is valid; the pushes allocate nothing; the error object is at -1.
        unsafe {
            // A fresh instruction budget for `__tostring` (the spent one would fail it at once;
            // none would let a `__tostring` that never returns hang the error path).
            match self.extra.instruction_limit {
                0 => lua_sethook(L, None, 0, 0),
                limit => lua_sethook(L, Some(protected::instruction_limit_hook), LUA_MASKCOUNT, limit as c_int),
            }
            lua_pushcclosure(L, protected::stringify_body, 0);
            lua_rotate(L, -2, 1);
            if lua_pcallk(L, 1, 1, 0, 0, None) != LUA_OK {
                return None;
            }
            let mut len = 0;
            let text = lua_tolstring(L, -1, &mut len);
            let bytes = std::slice::from_raw_parts(text.cast::<u8>(), len);
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

impl<B: Backend> Drop for Lua<B> {
    fn drop(&mut self) {
        // The allocator and Extra are dropped after this body, once the state is gone.
        self.close_state();
    }
}

fn memory_error(message: &str) -> LuaError {
    LuaError { kind: ErrorKind::Memory, message: message.to_owned(), traceback: String::new() }
}
