//! `lualib.h`: the standard libraries.

use super::lua::lua_State;
use core::ffi::c_int;

unsafe extern "C-unwind" {
    pub fn luaopen_base(L: *mut lua_State) -> c_int;
    pub fn luaopen_coroutine(L: *mut lua_State) -> c_int;
    pub fn luaopen_table(L: *mut lua_State) -> c_int;
    pub fn luaopen_io(L: *mut lua_State) -> c_int;
    pub fn luaopen_os(L: *mut lua_State) -> c_int;
    pub fn luaopen_string(L: *mut lua_State) -> c_int;
    pub fn luaopen_utf8(L: *mut lua_State) -> c_int;
    pub fn luaopen_math(L: *mut lua_State) -> c_int;
    pub fn luaopen_debug(L: *mut lua_State) -> c_int;
    pub fn luaopen_package(L: *mut lua_State) -> c_int;
    /// Opens every standard library into the state.
    #[cfg(not(feature = "lua55"))]
    pub fn luaL_openlibs(L: *mut lua_State);
    /// Loads the libraries whose `LUA_*LIBK` bit is in `load` (requiring them, as globals) and
    /// preloads those in `preload` (into `package.preload`).
    #[cfg(feature = "lua55")]
    pub fn luaL_openselectedlibs(L: *mut lua_State, load: c_int, preload: c_int);
}

/// Opens every standard library into the state (a macro in 5.5's lualib.h).
///
/// # Safety
/// `L` is a valid state; may raise a Lua error (memory).
#[cfg(feature = "lua55")]
pub unsafe fn luaL_openlibs(L: *mut lua_State) {
    // SAFETY: forwarded contract; !0 selects every library, as the C macro does.
    unsafe { luaL_openselectedlibs(L, !0, 0) }
}
