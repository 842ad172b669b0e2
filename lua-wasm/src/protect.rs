#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! Protected calls: the discipline that keeps Lua errors from crossing Rust frames. A Lua error
//! is a `longjmp` (on wasm32, a thrown wasm exception); it must never cross a Rust frame that
//! holds a value with a destructor.
//! So every Lua API call that can raise runs inside [`Core::protect`], whose closure keeps its
//! owned values in the caller's frame and only borrows them, and errors that Rust code raises
//! into Lua are raised by the C trampoline after the Rust frames have returned (`callback.rs`).
//!
//! What that relies on: a Lua error does cross the few Rust frames that run inside Lua (the
//! protected-call trampoline, callbacks' `trampoline`, hooks and library overrides), which hold
//! only references and raw pointers. Natively that is a `longjmp` over frames without
//! destructors. On wasm32 it is a thrown wasm exception, and Rust must be compiled without
//! landing pads (no `exception-handling` target feature), else a Rust frame could catch or
//! clean up for a foreign exception: the compile error below keeps that assumption checked.

#[cfg(all(target_arch = "wasm32", target_feature = "exception-handling"))]
compile_error!(
    "lua-wasm assumes Rust frames on wasm32 have no landing pads (Lua errors are wasm exceptions that cross them): build without the exception-handling target feature"
);

use crate::error::{LuaError, Result};
use crate::sandbox;
use crate::state::Core;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;

/// The closure a protected call runs: it receives the thread with its arguments at 1..n and
/// returns how many results it left on top.
pub(crate) type ProtectedFn<'a> = dyn FnMut(*mut lua_State) -> c_int + 'a;

impl Core {
    /// Runs `body` under `lua_pcall` on `L` with the `nargs` values on top as its arguments.
    /// On success its results (all of them when `nresults` is `LUA_MULTRET`) replace the
    /// arguments; on error the stack is back where it was below the arguments.
    ///
    /// `body` must not hold a value with a destructor across a Lua call that can raise: it runs
    /// between `setjmp` and a possible `longjmp`. Owned data stays in the caller's frame.
    pub fn protect(&self, L: *mut lua_State, nargs: c_int, nresults: c_int, body: &mut ProtectedFn<'_>) -> Result<()> {
        // SAFETY: L is a live thread with `nargs` values on top; the pushes below allocate
        // nothing once lua_checkstack succeeded, and `body` outlives the call.
        unsafe {
            if lua_checkstack(L, 2) == 0 {
                lua_settop(L, -nargs - 1);
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let mut body: &mut ProtectedFn<'_> = body;
            lua_pushcclosure(L, protected_trampoline, 0);
            lua_pushlightuserdata(L, &mut body as *mut &mut ProtectedFn<'_> as *mut c_void);
            lua_rotate(L, -nargs - 2, 2);
            self.finish_pcall(L, lua_pcallk(L, nargs + 1, nresults, 0, 0, None))
        }
    }

    /// Calls the function below the `nargs` values on top, with the traceback handler: the
    /// call of code on behalf of the user. Results as `lua_pcall` leaves them.
    pub fn call(&self, L: *mut lua_State, nargs: c_int, nresults: c_int) -> Result<()> {
        // SAFETY: L is live with a function and `nargs` arguments on top.
        unsafe {
            if lua_checkstack(L, 1) == 0 {
                lua_settop(L, -nargs - 2);
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let handler = lua_gettop(L) - nargs;
            lua_pushcclosure(L, sandbox::traceback_handler, 0);
            lua_rotate(L, handler, 1);
            let status = lua_pcallk(L, nargs, nresults, handler, 0, None);
            let mut result = self.finish_pcall(L, status);
            // A limit or `os.exit` whose error was caught where no instruction ran after it
            // (`return pcall(os.exit)`: a tail call of a C function) still ends the call.
            if let (Ok(()), Some(kind)) = (&result, self.limit_hit.get()) {
                result = Err(self.stop_error(kind));
            }
            lua_rotate(L, handler, -1);
            lua_settop(L, -2);
            result
        }
    }

    /// The error of a failed pcall, or Ok. On error the error object is popped.
    fn finish_pcall(&self, L: *mut lua_State, status: c_int) -> Result<()> {
        if status == LUA_OK {
            return Ok(());
        }
        let error = self.error_from_top(L, status);
        // SAFETY: the error object is on top.
        unsafe { lua_settop(L, -2) };
        Err(error)
    }
}

/// The C function `Core::protect` calls under `lua_pcall`: argument 1 is a light userdata
/// pointing to the `&mut ProtectedFn`, the rest are the body's arguments.
unsafe extern "C-unwind" fn protected_trampoline(L: *mut lua_State) -> c_int {
    // SAFETY: `Core::protect` passes a pointer to its live `&mut ProtectedFn`. Only references
    // live in this frame, so a longjmp out of the body skips nothing with a destructor.
    unsafe {
        let body = &mut **(lua_touserdata(L, 1) as *mut &mut ProtectedFn<'_>);
        lua_rotate(L, 1, -1);
        lua_settop(L, -2);
        body(L)
    }
}
