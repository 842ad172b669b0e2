#![allow(non_snake_case)]

//! Lua values held by JavaScript (Lua functions given to JS): slots of one Lua table, ids
//! handed out and taken back here. Unlike the registry, the table is replaced by an empty one
//! whenever JS holds nothing, so memory that a burst of functions took comes back.

use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::state::Core;
use core::ffi::c_void;
use lua_sys::ffi::*;
use std::cell::{Cell, RefCell};

pub(crate) struct JsRefs {
    free: RefCell<Vec<u32>>,
    next: Cell<u32>,
    live: Cell<u32>,
}

/// The registry key of the table (its address is unique).
static TABLE_KEY: u8 = 0;

fn table_key() -> *const c_void {
    &TABLE_KEY as *const u8 as *const c_void
}

impl JsRefs {
    pub fn new() -> Self {
        JsRefs { free: RefCell::new(Vec::new()), next: Cell::new(1), live: Cell::new(0) }
    }

    /// Pops the value on top of `L` into a new slot and returns its id.
    pub fn store(&self, core: &Core, L: *mut lua_State) -> Result<u32> {
        let id = self.free.borrow_mut().pop().unwrap_or_else(|| {
            let id = self.next.get();
            self.next.set(id + 1);
            id
        });
        let stored = core.protect(L, 1, 0, &mut |L| {
            // SAFETY: the value is argument 1; the table is created on first use.
            unsafe {
                if lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) != LUA_TTABLE {
                    lua_settop(L, 1);
                    lua_createtable(L, 0, 0);
                    lua_pushvalue(L, -1);
                    lua_rawsetp(L, LUA_REGISTRYINDEX, table_key());
                }
                lua_pushvalue(L, 1);
                lua_rawseti(L, -2, lua_Integer::from(id));
            }
            0
        });
        match stored {
            Ok(()) => {
                self.live.set(self.live.get() + 1);
                Ok(id)
            }
            Err(error) => {
                self.free.borrow_mut().push(id);
                Err(error)
            }
        }
    }

    /// Pushes the value of slot `id` (nil once released).
    pub fn push(&self, L: *mut lua_State, id: u32) -> Result<()> {
        // SAFETY: L is live; reading the registry and the table raises nothing.
        unsafe {
            if lua_checkstack(L, 2) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            if lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) == LUA_TTABLE {
                lua_rawgeti(L, -1, lua_Integer::from(id));
            } else {
                lua_pushnil(L);
            }
            lua_rotate(L, -2, 1);
            lua_settop(L, -2);
        }
        Ok(())
    }

    /// Releases slot `id`; when none is left, drops the table for the collector.
    pub fn release(&self, lua: &Lua, id: u32) {
        let core = lua.core();
        if !core.is_open() || id == 0 || id >= self.next.get() {
            return;
        }
        let L = core.current();
        // SAFETY: L is live; clearing an existing slot of the table allocates nothing.
        unsafe {
            if lua_checkstack(L, 2) == 0 {
                return;
            }
            if lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) == LUA_TTABLE {
                lua_pushnil(L);
                lua_rawseti(L, -2, lua_Integer::from(id));
            }
            lua_settop(L, -2);
        }
        self.live.set(self.live.get().saturating_sub(1));
        if self.live.get() == 0 {
            // SAFETY: L is live; setting an existing registry key to nil allocates nothing.
            unsafe {
                lua_pushnil(L);
                lua_rawsetp(L, LUA_REGISTRYINDEX, table_key());
            }
            self.free.borrow_mut().clear();
            self.next.set(1);
        } else {
            self.free.borrow_mut().push(id);
        }
    }
}

