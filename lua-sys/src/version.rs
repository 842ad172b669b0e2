//! The Lua version this crate was built with, and the one call whose C signature differs
//! between the versions in a way every embedder meets.

use crate::ffi::{lua_Alloc, lua_State};
use core::ffi::c_void;

/// "5.4" or "5.5": the version of the Lua compiled in (cargo feature `lua54` or `lua55`).
#[cfg(not(feature = "lua55"))]
pub const VERSION: &str = "5.4";
/// "5.4" or "5.5": the version of the Lua compiled in (cargo feature `lua54` or `lua55`).
#[cfg(feature = "lua55")]
pub const VERSION: &str = "5.5";

/// The release compiled in, such as "5.4.9": the newest of that version in `lua-src`.
pub const RELEASE: &str = env!("LUA_SYS_RELEASE");

/// `lua_newstate(f, ud)` on either version. 5.5's takes a third argument, the seed of its
/// string hashing; this passes what `luaL_newstate` does, `luaL_makeseed(NULL)` (the time and
/// an address mixed, as 5.4 seeds itself).
///
/// # Safety
/// As `lua_newstate`: `f` is a `lua_Alloc` that may be called with `ud` for as long as the
/// state lives.
pub unsafe fn new_state(f: lua_Alloc, ud: *mut c_void) -> *mut lua_State {
    // SAFETY: forwarded contract; luaL_makeseed accepts a null state and raises nothing.
    #[cfg(feature = "lua55")]
    unsafe {
        crate::ffi::lua_newstate(f, ud, crate::ffi::luaL_makeseed(core::ptr::null_mut()))
    }
    // SAFETY: forwarded contract.
    #[cfg(not(feature = "lua55"))]
    unsafe {
        crate::ffi::lua_newstate(f, ud)
    }
}
