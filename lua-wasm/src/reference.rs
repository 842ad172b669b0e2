#![allow(non_snake_case)]

//! [`LuaRef`]: a Lua object held from Rust through a registry slot, released when the last
//! clone of the handle is dropped (or at once for every handle when the state closes: handles
//! then report [`ErrorKind::Closed`](crate::ErrorKind::Closed)).

use crate::error::{LuaError, Result};
use crate::state::Core;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;
use std::fmt;
use std::rc::Rc;

/// A shared handle to one registry slot.
#[derive(Clone)]
pub(crate) struct LuaRef(Rc<Slot>);

struct Slot {
    core: Rc<Core>,
    id: c_int,
    /// The object's address (`lua_topointer`): identity for `==` and `Debug`.
    pointer: *const c_void,
    /// Slots Lua itself keeps (the globals table) are never released.
    owned: bool,
}

impl LuaRef {
    /// Takes ownership of registry slot `id` of `core`'s state.
    pub fn new(core: &Core, id: c_int, pointer: *const c_void) -> Self {
        LuaRef(Rc::new(Slot { core: core.rc(), id, pointer, owned: true }))
    }

    /// A registry slot that Lua keeps for the state's life (e.g. `LUA_RIDX_GLOBALS`).
    pub fn permanent(core: &Core, id: c_int) -> Self {
        let L = core.current();
        let mut pointer = core::ptr::null();
        // SAFETY: L is live when the state is open; reading the registry raises nothing.
        unsafe {
            if core.is_open() && lua_checkstack(L, 1) != 0 {
                lua_rawgeti(L, LUA_REGISTRYINDEX, lua_Integer::from(id));
                pointer = lua_topointer(L, -1);
                lua_settop(L, -2);
            }
        }
        LuaRef(Rc::new(Slot { core: core.rc(), id, pointer, owned: false }))
    }

    pub fn core(&self) -> &Rc<Core> {
        &self.0.core
    }

    /// Pushes the object onto `L`, a thread of `core` (checked: handles of one state cannot be
    /// used with another). The caller has reserved the stack slot.
    pub fn push(&self, core: &Core, L: *mut lua_State) -> Result<()> {
        if !core::ptr::eq(Rc::as_ptr(&self.0.core), core) {
            return Err(LuaError::closed().with_message("a value of one Lua state was used with another"));
        }
        if !core.is_open() {
            return Err(LuaError::closed());
        }
        // SAFETY: L is a live thread of this state with a reserved slot; reading the registry
        // never raises.
        unsafe { lua_rawgeti(L, LUA_REGISTRYINDEX, lua_Integer::from(self.0.id)) };
        Ok(())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.owned && self.core.is_open() {
            self.core.unref(self.id);
        }
    }
}

impl PartialEq for LuaRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || (Rc::ptr_eq(&self.0.core, &other.0.core) && self.0.pointer == other.0.pointer && !self.0.pointer.is_null())
    }
}

impl fmt::Debug for LuaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:p}", self.0.pointer)
    }
}

impl LuaError {
    fn with_message(mut self, message: &str) -> Self {
        self.message = message.to_owned();
        self
    }
}
