#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! Values on the Lua stack: reading one as a [`Value`] (anchoring objects in the registry),
//! pushing one back, making strings.

use crate::error::{LuaError, Result};
use crate::reference::LuaRef;
use crate::state::Core;
use crate::value::Value;
use core::ffi::c_int;
use lua_sys::ffi::*;

impl Core {
    /// The value at `index` of `L` (left in place) as a [`Value`]; objects are anchored in the
    /// registry (which can fail for lack of memory).
    pub fn value_at(&self, L: *mut lua_State, index: c_int) -> Result<Value> {
        // SAFETY: L is live and `index` valid; reading primitives never raises.
        unsafe {
            Ok(match lua_type(L, index) {
                LUA_TNIL | LUA_TNONE => Value::Nil,
                LUA_TBOOLEAN => Value::Boolean(lua_toboolean(L, index) != 0),
                LUA_TNUMBER if lua_isinteger(L, index) != 0 => Value::Integer(lua_tointegerx(L, index, core::ptr::null_mut())),
                LUA_TNUMBER => Value::Number(lua_tonumberx(L, index, core::ptr::null_mut())),
                LUA_TLIGHTUSERDATA => Value::LightUserData(lua_touserdata(L, index)),
                kind => {
                    lua_pushvalue(L, index);
                    let reference = self.anchor_top(L)?;
                    match kind {
                        LUA_TSTRING => Value::String(reference.into()),
                        LUA_TTABLE => Value::Table(reference.into()),
                        LUA_TFUNCTION => Value::Function(reference.into()),
                        LUA_TTHREAD => Value::Thread(reference.into()),
                        _ => Value::UserData(reference.into()),
                    }
                }
            })
        }
    }

    /// Pops the value on top of `L` into the registry and returns its handle.
    pub fn anchor_top(&self, L: *mut lua_State) -> Result<LuaRef> {
        // SAFETY: L is live with a value on top, which lua_topointer reads without raising.
        let pointer = unsafe { lua_topointer(L, -1) };
        let mut id = LUA_NOREF;
        self.protect(L, 1, 0, &mut |L| {
            // SAFETY: the value is argument 1; luaL_ref pops it.
            id = unsafe { luaL_ref(L, LUA_REGISTRYINDEX) };
            0
        })?;
        Ok(LuaRef::new(self, id, pointer))
    }

    /// Pushes the object of `reference` onto `L`.
    pub fn push_ref(&self, L: *mut lua_State, reference: &LuaRef) -> Result<()> {
        // SAFETY: L is live; lua_checkstack does not raise (it reports failure).
        if unsafe { lua_checkstack(L, 1) } == 0 {
            return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
        }
        reference.push(self, L)
    }

    /// The values at `first..=top` of `L` (left in place).
    pub fn values_from(&self, L: *mut lua_State, first: c_int) -> Result<crate::MultiValue> {
        // SAFETY: L is live.
        let top = unsafe { lua_gettop(L) };
        (first..=top).map(|index| self.value_at(L, index)).collect()
    }

    /// Pushes `value` onto `L`. Pushing never raises: objects come from the registry.
    pub fn push_value(&self, L: *mut lua_State, value: &Value) -> Result<()> {
        // SAFETY: L is live; lua_checkstack does not raise (it reports failure).
        if unsafe { lua_checkstack(L, 1) } == 0 {
            return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
        }
        // SAFETY: a slot was reserved; these pushes allocate nothing.
        unsafe {
            match value {
                Value::Nil => lua_pushnil(L),
                Value::Boolean(b) => lua_pushboolean(L, c_int::from(*b)),
                Value::Integer(n) => lua_pushinteger(L, *n),
                Value::Number(n) => lua_pushnumber(L, *n),
                Value::LightUserData(p) => lua_pushlightuserdata(L, *p),
                Value::String(s) => s.reference().push(self, L)?,
                Value::Table(t) => t.reference().push(self, L)?,
                Value::Function(f) => f.reference().push(self, L)?,
                Value::Thread(t) => t.reference().push(self, L)?,
                Value::UserData(u) => u.reference().push(self, L)?,
            }
        }
        Ok(())
    }

    /// Pushes `bytes` as a Lua string and anchors it.
    pub fn create_string(&self, L: *mut lua_State, bytes: &[u8]) -> Result<LuaRef> {
        self.protect(L, 0, 1, &mut |L| {
            // SAFETY: the bytes are valid for their length; Lua copies them.
            unsafe { lua_pushlstring(L, bytes.as_ptr().cast(), bytes.len()) };
            1
        })?;
        self.anchor_top(L)
    }
}

/// The bytes of the string at `index` (no conversion: the value must be a string).
///
/// # Safety
/// L is live and the value at `index` is a string, which stays alive while the slice is used.
pub(crate) unsafe fn string_bytes<'a>(L: *mut lua_State, index: c_int) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: the caller guarantees a string, for which lua_tolstring converts nothing.
    unsafe {
        let text = lua_tolstring(L, index, &mut len);
        core::slice::from_raw_parts(text.cast(), len)
    }
}
