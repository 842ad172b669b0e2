#![allow(non_snake_case)]

//! Lua values held by JavaScript (Lua functions given to JS, values waiting for their text):
//! slots of one Lua table, ids handed out and taken back here.
//!
//! Slots are reserved ahead (filled with `false`), so that taking one during a conversion
//! allocates nothing: no allocation means no collector step, hence no finalizer can run Lua
//! code while a conversion walks a table (see `to_js.rs`). Unlike the registry, the table is
//! dropped whenever JS holds nothing, so the memory a burst of functions took comes back.

use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::state::Core;
use core::ffi::c_void;
use lua_sys::ffi::*;
use std::cell::{Cell, RefCell};

pub(crate) struct JsRefs {
    /// Released slots (holding `false`).
    free: RefCell<Vec<u32>>,
    /// The next never-used slot.
    next: Cell<u32>,
    /// Slots that exist in the table: 1..=capacity.
    capacity: Cell<u32>,
    live: Cell<u32>,
}

/// The registry key of the table (its address is unique).
static TABLE_KEY: u8 = 0;

fn table_key() -> *const c_void {
    &TABLE_KEY as *const u8 as *const c_void
}

impl JsRefs {
    pub fn new() -> Self {
        JsRefs { free: RefCell::new(Vec::new()), next: Cell::new(1), capacity: Cell::new(0), live: Cell::new(0) }
    }

    /// Makes room for `more` values beyond what is free now (allocates; may run finalizers).
    pub fn reserve(&self, core: &Core, L: *mut lua_State, more: u32) -> Result<()> {
        let available = self.free.borrow().len() as u32 + (self.capacity.get() + 1 - self.next.get());
        if available >= more {
            return Ok(());
        }
        let from = self.capacity.get() + 1;
        let to = (self.capacity.get() * 2).max(self.capacity.get() + more).max(16);
        core.protect(L, 0, 0, &mut |L| {
            // SAFETY: L is live, inside the protected call; the table is created on first use.
            unsafe {
                if lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) != LUA_TTABLE {
                    lua_settop(L, 0);
                    lua_createtable(L, to as i32, 0);
                    lua_pushvalue(L, -1);
                    lua_rawsetp(L, LUA_REGISTRYINDEX, table_key());
                }
                for slot in from..=to {
                    lua_pushboolean(L, 0);
                    lua_rawseti(L, -2, lua_Integer::from(slot));
                }
            }
            0
        })?;
        self.capacity.set(to);
        Ok(())
    }

    /// Pops the value on top of `L` into a reserved slot and returns its id; None (the value
    /// popped all the same) when no slot is reserved. Allocates nothing.
    pub fn take(&self, L: *mut lua_State) -> Option<u32> {
        let id = self.free.borrow_mut().pop().or_else(|| {
            let next = self.next.get();
            (next <= self.capacity.get()).then(|| {
                self.next.set(next + 1);
                next
            })
        });
        // SAFETY: L is live with a value on top; the slot exists (1..=capacity), so writing it
        // allocates nothing, and lua_checkstack reports failure instead of raising.
        unsafe {
            match id {
                Some(id) if lua_checkstack(L, 1) != 0 && lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) == LUA_TTABLE => {
                    lua_rotate(L, -2, 1);
                    lua_rawseti(L, -2, lua_Integer::from(id));
                    lua_settop(L, -2);
                    self.live.set(self.live.get() + 1);
                    Some(id)
                }
                _ => {
                    if let Some(id) = id {
                        self.free.borrow_mut().push(id);
                    }
                    lua_settop(L, -2);
                    None
                }
            }
        }
    }

    /// Pushes the value of slot `id` (false once released).
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
        // SAFETY: L is live; writing an existing slot of the table, or an existing registry
        // key, allocates nothing.
        unsafe {
            if lua_checkstack(L, 2) == 0 {
                return;
            }
            self.live.set(self.live.get().saturating_sub(1));
            if self.live.get() == 0 {
                lua_pushnil(L);
                lua_rawsetp(L, LUA_REGISTRYINDEX, table_key());
                self.free.borrow_mut().clear();
                self.next.set(1);
                self.capacity.set(0);
                return;
            }
            if lua_rawgetp(L, LUA_REGISTRYINDEX, table_key()) == LUA_TTABLE {
                lua_pushboolean(L, 0);
                lua_rawseti(L, -2, lua_Integer::from(id));
            }
            lua_settop(L, -2);
        }
        self.free.borrow_mut().push(id);
    }
}
