#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! Errors crossing between Lua and Rust: a Lua error object becomes a [`LuaError`] (message as
//! `lua.c` shows it, traceback, the object itself), and an error Rust code raises into Lua is
//! remembered so that it comes back unchanged when no Lua code caught it.

use crate::error::{ErrorKind, LuaError};
use crate::reference::LuaRef;
use crate::stack::string_bytes;
use crate::state::Core;
use crate::value::Value;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;

/// How many errors raised from Rust are remembered per top-level call.
const MAX_REMEMBERED: usize = 16;

/// A string object raised for an error made in Rust, anchored so its address stays unique.
pub(crate) struct Raised {
    pub object: *const c_void,
    pub anchor: c_int,
    pub error: LuaError,
}

impl Core {
    /// Builds a LuaError from the error object on top of `L` (left in place). An error that
    /// Rust code raised comes back as it was raised.
    pub fn error_from_top(&self, L: *mut lua_State, status: c_int) -> LuaError {
        // SAFETY: L is live with the error object on top; lua_topointer never raises.
        let object = unsafe { lua_topointer(L, -1) };
        // SAFETY: as above.
        if unsafe { lua_type(L, -1) } == LUA_TSTRING {
            if let Some(raised) = self.raised.borrow().iter().rev().find(|r| r.object == object) {
                let mut error = raised.error.clone();
                if error.traceback.is_empty() {
                    error.traceback = std::mem::take(&mut *self.traceback.borrow_mut());
                }
                return error;
            }
        }
        let kind = match status {
            LUA_ERRMEM => ErrorKind::Memory,
            LUA_ERRERR => ErrorKind::Handler,
            LUA_ERRSYNTAX => ErrorKind::Syntax,
            _ => self.limit_hit.get().unwrap_or(ErrorKind::Runtime),
        };
        let message = self.stringify_top(L);
        let value = self.error_value(L);
        LuaError { kind, message, traceback: std::mem::take(&mut *self.traceback.borrow_mut()), value, cause: None }
    }

    /// The value on top through `tostring` as `lua.c`'s message handler shows it: strings and
    /// numbers as they are, else `__tostring`, else "(error object is a X value)".
    fn stringify_top(&self, L: *mut lua_State) -> String {
        // SAFETY: L is live with a value on top. Strings are read without a protected call,
        // which needs memory (after LUA_ERRMEM it would fail and lose the message).
        unsafe {
            if lua_type(L, -1) == LUA_TSTRING {
                return String::from_utf8_lossy(string_bytes(L, -1)).into_owned();
            }
            let type_name = std::ffi::CStr::from_ptr(lua_typename(L, lua_type(L, -1))).to_string_lossy().into_owned();
            let fallback = format!("(error object is a {type_name} value)");
            if lua_type(L, -1) != LUA_TNUMBER && luaL_getmetafield(L, -1, c"__tostring".as_ptr()) == LUA_TNIL {
                return fallback;
            }
            if lua_type(L, -1) != LUA_TNUMBER {
                lua_settop(L, -2);
            }
            // Fresh limits for `__tostring` (the spent ones would fail it at once; none would
            // let a `__tostring` that never returns hang the error path), then the call's own
            // again, so that errors raised on purpose cannot refill the budget.
            let saved = (self.budget.get(), self.deadline.get(), self.limit_hit.get());
            self.arm_limits();
            lua_pushvalue(L, -1);
            let mut text = None;
            let result = self.protect(L, 1, 0, &mut |L| {
                let mut len = 0;
                let bytes = luaL_tolstring(L, 1, &mut len);
                text = Some(String::from_utf8_lossy(core::slice::from_raw_parts(bytes.cast(), len)).into_owned());
                0
            });
            self.budget.set(saved.0);
            self.deadline.set(saved.1);
            self.limit_hit.set(saved.2);
            self.set_hook(self.main_thread(), if saved.2.is_some() { 1 } else { self.granularity() });
            match (result, text) {
                (Ok(()), Some(text)) => text,
                _ => fallback,
            }
        }
    }

    /// The error object on top of `L` (left in place) as a [`Value`], or None when it could not
    /// be anchored. Anchoring here must not go through `protect`, whose error path comes back.
    fn error_value(&self, L: *mut lua_State) -> Option<Value> {
        // SAFETY: L is live with the error object on top; ref_top runs under lua_pcall.
        unsafe {
            if !matches!(lua_type(L, -1), LUA_TSTRING | LUA_TTABLE | LUA_TFUNCTION | LUA_TUSERDATA | LUA_TTHREAD) {
                return self.value_at(L, -1).ok();
            }
            if lua_checkstack(L, 2) == 0 {
                return None;
            }
            let pointer = lua_topointer(L, -1);
            lua_pushcclosure(L, ref_top, 0);
            lua_pushvalue(L, -2);
            if lua_pcallk(L, 1, 1, 0, 0, None) != LUA_OK {
                lua_settop(L, -2);
                return None;
            }
            let id = lua_tointegerx(L, -1, core::ptr::null_mut()) as c_int;
            lua_settop(L, -2);
            Some(LuaRef::new(self, id, pointer)).map(|r| match lua_type(L, -1) {
                LUA_TSTRING => Value::String(r.into()),
                LUA_TTABLE => Value::Table(r.into()),
                LUA_TFUNCTION => Value::Function(r.into()),
                LUA_TTHREAD => Value::Thread(r.into()),
                _ => Value::UserData(r.into()),
            })
        }
    }

    /// Pushes an error object for `error` onto `L`, to be raised by the caller once no Rust
    /// frame with a destructor is left: the original object when the error came from Lua,
    /// else its message, remembered so that the error comes back unchanged.
    pub fn push_error(&self, L: *mut lua_State, error: LuaError) {
        if let Some(value) = &error.value {
            if self.push_value(L, value).is_ok() {
                // SAFETY: the value was pushed.
                if unsafe { lua_type(L, -1) } == LUA_TSTRING {
                    self.remember_raised(L, error);
                }
                return;
            }
        }
        let message = error.message.as_bytes();
        let pushed = self.protect(L, 0, 1, &mut |L| {
            // SAFETY: the message bytes are valid for their length; Lua copies them.
            unsafe { lua_pushlstring(L, message.as_ptr().cast(), message.len()) };
            1
        });
        if pushed.is_err() {
            // SAFETY: Lua's own memory-error message is interned for the state's whole life, so
            // pushing it allocates nothing; lua_checkstack reserved a slot in `protect`. It is
            // shared by every memory error, so it is not remembered as this one.
            unsafe { lua_pushstring(L, c"not enough memory".as_ptr()) };
            return;
        }
        self.remember_raised(L, error);
    }

    /// Remembers that the string on top of `L` stands for `error`.
    fn remember_raised(&self, L: *mut lua_State, error: LuaError) {
        // SAFETY: L is live with a string on top.
        let object = unsafe { lua_topointer(L, -1) };
        // SAFETY: as above; the copy is anchored (popped by luaL_ref in the protected call).
        unsafe { lua_pushvalue(L, -1) };
        let mut anchor = LUA_NOREF;
        let anchored = self.protect(L, 1, 0, &mut |L| {
            // SAFETY: the copy is argument 1.
            anchor = unsafe { luaL_ref(L, LUA_REGISTRYINDEX) };
            0
        });
        if anchored.is_ok() {
            let mut raised = self.raised.borrow_mut();
            // Only recent errors can still be on their way up; a loop catching errors raised
            // from Rust must not pile them up.
            if raised.len() == MAX_REMEMBERED {
                let oldest = raised.remove(0);
                self.unref(oldest.anchor);
            }
            raised.push(Raised { object, anchor, error });
        }
    }
}

/// Anchors argument 1 in the registry and returns the reference (for `Core::error_value`).
unsafe extern "C-unwind" fn ref_top(L: *mut lua_State) -> c_int {
    // SAFETY: L is live with one argument, which luaL_ref pops.
    unsafe {
        let id = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushinteger(L, lua_Integer::from(id));
    }
    1
}
