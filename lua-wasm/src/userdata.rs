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
        lua_pushlightuserdata(L, key as *mut c_void);
        lua_pushcclosure(L, drop_owned::<T>, 1);
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
            let block = lua_newuserdatauv(L, size_of::<Block<T>>(), 0) as *mut Block<T>;
            block.write(Block { key, value: core::ptr::null_mut() });
            // The metatable is made on first use: most states never need some of them.
            if lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE {
                lua_settop(L, -2);
                create_metatable::<T>(L, key);
            }
            lua_setmetatable(L, -2);
            if let Some(value) = owned.take() {
                (*block).value = Box::into_raw(value);
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
    // SAFETY: per the contract.
    unsafe { block_at::<T>(L, index, key).and_then(|block| (*block).value.as_ref()) }
}

/// The `T` owned by the userdata at `index`, mutably (same contract as `borrow_owned`, and no
/// other reference to the value may be alive).
pub(crate) unsafe fn borrow_owned_mut<'a, T: 'static>(L: *mut lua_State, index: c_int, key: *const c_void) -> Option<&'a mut T> {
    // SAFETY: per the contract; the value pointer came from Box::into_raw.
    unsafe { block_at::<T>(L, index, key).and_then(|block| (*block).value.as_mut()) }
}

/// The block of the userdata at `index` if `push_owned` made it with `key`. Lua code can reach
/// these userdata (`debug.getupvalue`) and call `__gc` on anything, or give any userdata this
/// metatable (`debug.setmetatable`): only the key written inside the block is trusted.
unsafe fn block_at<T: 'static>(L: *mut lua_State, index: c_int, key: *const c_void) -> Option<*mut Block<T>> {
    // SAFETY: L is live; a full userdata of the block's size can be read as one.
    unsafe {
        if lua_type(L, index) != LUA_TUSERDATA || lua_rawlen(L, index) as usize != size_of::<Block<T>>() {
            return None;
        }
        let block = lua_touserdata(L, index) as *mut Block<T>;
        if (*block).key != key { None } else { Some(block) }
    }
}

#[repr(C)]
struct Block<T> {
    key: *const c_void,
    value: *mut T,
}

/// `__gc`: drops the owned value (once). Upvalue 1: the key.
unsafe extern "C-unwind" fn drop_owned<T: 'static>(L: *mut lua_State) -> c_int {
    // SAFETY: the block is checked; its value is null or a box from Box::into_raw, taken once.
    unsafe {
        if let Some(block) = block_at::<T>(L, 1, lua_touserdata(L, lua_upvalueindex(1))) {
            let value = core::mem::replace(&mut (*block).value, core::ptr::null_mut());
            if !value.is_null() {
                drop(Box::from_raw(value));
            }
        }
    }
    0
}
