#![allow(non_snake_case)]

//! Userdata that own a Rust value (a callback, a JavaScript object): a pointer-sized block
//! holding a `Box<T>`, whose metatable's `__gc` drops it. The metatable, found in the registry
//! under a key unique to `T`'s user, tells such userdata apart from any other.

use crate::error::Result;
use crate::state::Core;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;

/// Creates a metatable for owned `T`s (with `__gc` and a locked `__metatable`), leaves it on
/// top of `L` and stores it in the registry under `key`.
///
/// # Safety
/// L is live, inside a protected call; `key` is used for no other type.
pub(crate) unsafe fn create_metatable<T: 'static>(L: *mut lua_State, key: *const c_void) {
    // SAFETY: per the contract; the field names are NUL-terminated literals.
    unsafe {
        lua_createtable(L, 0, 4);
        lua_pushcclosure(L, drop_owned::<T>, 0);
        lua_setfield(L, -2, c"__gc".as_ptr());
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, c"__metatable".as_ptr());
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, key);
    }
}

/// Pushes a new userdata owning `value`, with the metatable stored under `key`.
pub(crate) fn push_owned<T: 'static>(core: &Core, L: *mut lua_State, value: T, key: *const c_void) -> Result<()> {
    // Owned here, outside the protected call, until the userdata takes it.
    let mut owned = Some(Box::new(value));
    core.protect(L, 0, 1, &mut |L| {
        // SAFETY: L is live. The userdata gets its `__gc` before it owns the box, so a memory
        // error anywhere leaves either the box here or a userdata that frees it.
        unsafe {
            let slot = lua_newuserdatauv(L, size_of::<*mut T>(), 0) as *mut *mut T;
            slot.write(core::ptr::null_mut());
            lua_rawgetp(L, LUA_REGISTRYINDEX, key);
            lua_setmetatable(L, -2);
            if let Some(value) = owned.take() {
                slot.write(Box::into_raw(value));
            }
        }
        1
    })
}

/// The `T` owned by the userdata at `index`, if it is one with the metatable under `key`.
///
/// # Safety
/// L is live; `key` is the one the userdata's `T` was pushed with. The reference is valid while
/// the userdata is alive and not finalized.
pub(crate) unsafe fn borrow_owned<'a, T: 'static>(L: *mut lua_State, index: c_int, key: *const c_void) -> Option<&'a T> {
    // SAFETY: per the contract; every call here reads without raising, after a stack check.
    unsafe {
        let block = lua_touserdata(L, index) as *mut *mut T;
        if block.is_null() || lua_checkstack(L, 2) == 0 || lua_getmetatable(L, index) == 0 {
            return None;
        }
        lua_rawgetp(L, LUA_REGISTRYINDEX, key);
        let ours = lua_rawequal(L, -1, -2) != 0;
        lua_settop(L, -3);
        if !ours { None } else { block.read().as_ref() }
    }
}

/// `__gc`: drops the owned value (once).
unsafe extern "C-unwind" fn drop_owned<T: 'static>(L: *mut lua_State) -> c_int {
    // SAFETY: argument 1 is a userdata of this metatable; its slot holds null or a box from
    // Box::into_raw, taken once here.
    unsafe {
        let slot = lua_touserdata(L, 1) as *mut *mut T;
        let value = slot.replace(core::ptr::null_mut());
        if !value.is_null() {
            drop(Box::from_raw(value));
        }
    }
    0
}
