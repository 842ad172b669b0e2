//! `lua.h`: the core API, of Lua 5.4 or 5.5 (`#[cfg(feature = "lua55")]` marks what differs;
//! 5.4's items are the ones compiled without it).

use core::ffi::{CStr, c_char, c_int, c_void};

#[cfg(not(feature = "lua55"))]
pub const LUA_VERSION_NUM: c_int = 504;
#[cfg(feature = "lua55")]
pub const LUA_VERSION_NUM: c_int = 505;
#[cfg(not(feature = "lua55"))]
pub const LUA_VERSION: &CStr = c"Lua 5.4";
#[cfg(feature = "lua55")]
pub const LUA_VERSION: &CStr = c"Lua 5.5";
pub const LUA_MULTRET: c_int = -1;
#[cfg(not(feature = "lua55"))]
pub const LUA_REGISTRYINDEX: c_int = -LUAI_MAXSTACK - 1000;
#[cfg(feature = "lua55")]
pub const LUA_REGISTRYINDEX: c_int = -(c_int::MAX / 2 + 1000);
/// The largest Lua stack (luaconf.h in 5.4; in 5.5 a default of ldo.c, with the same value).
pub const LUAI_MAXSTACK: c_int = 1_000_000;

pub const fn lua_upvalueindex(i: c_int) -> c_int {
    LUA_REGISTRYINDEX - i
}

// ---- thread status ----
pub const LUA_OK: c_int = 0;
pub const LUA_YIELD: c_int = 1;
pub const LUA_ERRRUN: c_int = 2;
pub const LUA_ERRSYNTAX: c_int = 3;
pub const LUA_ERRMEM: c_int = 4;
pub const LUA_ERRERR: c_int = 5;

// ---- basic types ----
pub const LUA_TNONE: c_int = -1;
pub const LUA_TNIL: c_int = 0;
pub const LUA_TBOOLEAN: c_int = 1;
pub const LUA_TLIGHTUSERDATA: c_int = 2;
pub const LUA_TNUMBER: c_int = 3;
pub const LUA_TSTRING: c_int = 4;
pub const LUA_TTABLE: c_int = 5;
pub const LUA_TFUNCTION: c_int = 6;
pub const LUA_TUSERDATA: c_int = 7;
pub const LUA_TTHREAD: c_int = 8;

pub const LUA_MINSTACK: c_int = 20;
#[cfg(not(feature = "lua55"))]
pub const LUA_RIDX_MAINTHREAD: i64 = 1;
/// 5.5 keeps registry index 1 for `luaL_ref`'s free list.
#[cfg(feature = "lua55")]
pub const LUA_RIDX_MAINTHREAD: i64 = 3;
pub const LUA_RIDX_GLOBALS: i64 = 2;

pub type lua_Number = f64;
pub type lua_Integer = i64;
pub type lua_Unsigned = u64;
pub type lua_KContext = isize;

/// An opaque Lua state.
#[repr(C)]
pub struct lua_State {
    _private: [u8; 0],
}

pub type lua_CFunction = unsafe extern "C-unwind" fn(L: *mut lua_State) -> c_int;
pub type lua_KFunction =
    unsafe extern "C-unwind" fn(L: *mut lua_State, status: c_int, ctx: lua_KContext) -> c_int;
pub type lua_Reader =
    unsafe extern "C-unwind" fn(L: *mut lua_State, ud: *mut c_void, sz: *mut usize) -> *const c_char;
pub type lua_Writer =
    unsafe extern "C-unwind" fn(L: *mut lua_State, p: *const c_void, sz: usize, ud: *mut c_void) -> c_int;
/// Lua's allocator: never raises, so plain `extern "C"`.
pub type lua_Alloc =
    unsafe extern "C" fn(ud: *mut c_void, ptr: *mut c_void, osize: usize, nsize: usize) -> *mut c_void;
pub type lua_WarnFunction = unsafe extern "C-unwind" fn(ud: *mut c_void, msg: *const c_char, tocont: c_int);

// ---- comparison and arithmetic ----
pub const LUA_OPADD: c_int = 0;
pub const LUA_OPEQ: c_int = 0;
pub const LUA_OPLT: c_int = 1;
pub const LUA_OPLE: c_int = 2;

// ---- garbage collection ----
pub const LUA_GCSTOP: c_int = 0;
pub const LUA_GCRESTART: c_int = 1;
pub const LUA_GCCOLLECT: c_int = 2;
pub const LUA_GCCOUNT: c_int = 3;
pub const LUA_GCCOUNTB: c_int = 4;
/// The extra argument is an `int` (KiB) in 5.4, a `size_t` (bytes) in 5.5.
pub const LUA_GCSTEP: c_int = 5;
#[cfg(not(feature = "lua55"))]
pub const LUA_GCISRUNNING: c_int = 9;
#[cfg(not(feature = "lua55"))]
pub const LUA_GCGEN: c_int = 10;
#[cfg(not(feature = "lua55"))]
pub const LUA_GCINC: c_int = 11;
#[cfg(feature = "lua55")]
pub const LUA_GCISRUNNING: c_int = 6;
/// In 5.5 `LUA_GCGEN` and `LUA_GCINC` take no extra arguments (the tuning is `LUA_GCPARAM`).
#[cfg(feature = "lua55")]
pub const LUA_GCGEN: c_int = 7;
#[cfg(feature = "lua55")]
pub const LUA_GCINC: c_int = 8;
/// `lua_gc(L, LUA_GCPARAM, param, value)`: sets a `LUA_GCP*` parameter (value < 0: only
/// reads it), returns its previous value.
#[cfg(feature = "lua55")]
pub const LUA_GCPARAM: c_int = 9;
#[cfg(feature = "lua55")]
pub const LUA_GCPMINORMUL: c_int = 0;
#[cfg(feature = "lua55")]
pub const LUA_GCPMAJORMINOR: c_int = 1;
#[cfg(feature = "lua55")]
pub const LUA_GCPMINORMAJOR: c_int = 2;
#[cfg(feature = "lua55")]
pub const LUA_GCPPAUSE: c_int = 3;
#[cfg(feature = "lua55")]
pub const LUA_GCPSTEPMUL: c_int = 4;
#[cfg(feature = "lua55")]
pub const LUA_GCPSTEPSIZE: c_int = 5;

// ---- debug hooks ----
pub const LUA_HOOKCALL: c_int = 0;
pub const LUA_HOOKRET: c_int = 1;
pub const LUA_HOOKLINE: c_int = 2;
pub const LUA_HOOKCOUNT: c_int = 3;
pub const LUA_HOOKTAILCALL: c_int = 4;
pub const LUA_MASKCALL: c_int = 1 << LUA_HOOKCALL;
pub const LUA_MASKRET: c_int = 1 << LUA_HOOKRET;
pub const LUA_MASKLINE: c_int = 1 << LUA_HOOKLINE;
pub const LUA_MASKCOUNT: c_int = 1 << LUA_HOOKCOUNT;
pub const LUA_IDSIZE: usize = 60;

/// `lua_Debug` as laid out by Lua 5.4 (public fields, then the private `i_ci`).
#[cfg(not(feature = "lua55"))]
#[repr(C)]
pub struct lua_Debug {
    pub event: c_int,
    pub name: *const c_char,
    pub namewhat: *const c_char,
    pub what: *const c_char,
    pub source: *const c_char,
    pub srclen: usize,
    pub currentline: c_int,
    pub linedefined: c_int,
    pub lastlinedefined: c_int,
    pub nups: u8,
    pub nparams: u8,
    pub isvararg: c_char,
    pub istailcall: c_char,
    pub ftransfer: u16,
    pub ntransfer: u16,
    pub short_src: [c_char; LUA_IDSIZE],
    i_ci: *mut c_void,
}

/// `lua_Debug` as laid out by Lua 5.5: `extraargs` is new, `ftransfer` and `ntransfer` are
/// `int`s.
#[cfg(feature = "lua55")]
#[repr(C)]
pub struct lua_Debug {
    pub event: c_int,
    pub name: *const c_char,
    pub namewhat: *const c_char,
    pub what: *const c_char,
    pub source: *const c_char,
    pub srclen: usize,
    pub currentline: c_int,
    pub linedefined: c_int,
    pub lastlinedefined: c_int,
    pub nups: u8,
    pub nparams: u8,
    pub isvararg: c_char,
    pub extraargs: u8,
    pub istailcall: c_char,
    pub ftransfer: c_int,
    pub ntransfer: c_int,
    pub short_src: [c_char; LUA_IDSIZE],
    i_ci: *mut c_void,
}

pub type lua_Hook = unsafe extern "C-unwind" fn(L: *mut lua_State, ar: *mut lua_Debug);

unsafe extern "C-unwind" {
    // ---- state manipulation ----
    /// See [`crate::new_state`] for a call that suits both versions.
    #[cfg(not(feature = "lua55"))]
    pub fn lua_newstate(f: lua_Alloc, ud: *mut c_void) -> *mut lua_State;
    /// `seed` randomises string hashing (`luaL_newstate` passes `luaL_makeseed(NULL)`). See
    /// [`crate::new_state`] for a call that suits both versions.
    #[cfg(feature = "lua55")]
    pub fn lua_newstate(f: lua_Alloc, ud: *mut c_void, seed: core::ffi::c_uint) -> *mut lua_State;
    pub fn lua_close(L: *mut lua_State);
    pub fn lua_newthread(L: *mut lua_State) -> *mut lua_State;
    pub fn lua_closethread(L: *mut lua_State, from: *mut lua_State) -> c_int;
    pub fn lua_atpanic(L: *mut lua_State, panicf: lua_CFunction) -> lua_CFunction;
    pub fn lua_version(L: *mut lua_State) -> lua_Number;

    // ---- basic stack manipulation ----
    pub fn lua_absindex(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_gettop(L: *mut lua_State) -> c_int;
    pub fn lua_settop(L: *mut lua_State, idx: c_int);
    pub fn lua_pushvalue(L: *mut lua_State, idx: c_int);
    pub fn lua_rotate(L: *mut lua_State, idx: c_int, n: c_int);
    pub fn lua_copy(L: *mut lua_State, fromidx: c_int, toidx: c_int);
    pub fn lua_checkstack(L: *mut lua_State, n: c_int) -> c_int;
    pub fn lua_xmove(from: *mut lua_State, to: *mut lua_State, n: c_int);

    // ---- access functions ----
    pub fn lua_isnumber(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_isstring(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_iscfunction(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_isinteger(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_isuserdata(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_type(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_typename(L: *mut lua_State, tp: c_int) -> *const c_char;
    pub fn lua_tonumberx(L: *mut lua_State, idx: c_int, isnum: *mut c_int) -> lua_Number;
    pub fn lua_tointegerx(L: *mut lua_State, idx: c_int, isnum: *mut c_int) -> lua_Integer;
    pub fn lua_toboolean(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_tolstring(L: *mut lua_State, idx: c_int, len: *mut usize) -> *const c_char;
    pub fn lua_rawlen(L: *mut lua_State, idx: c_int) -> lua_Unsigned;
    pub fn lua_tocfunction(L: *mut lua_State, idx: c_int) -> Option<lua_CFunction>;
    pub fn lua_touserdata(L: *mut lua_State, idx: c_int) -> *mut c_void;
    pub fn lua_tothread(L: *mut lua_State, idx: c_int) -> *mut lua_State;
    pub fn lua_topointer(L: *mut lua_State, idx: c_int) -> *const c_void;

    // ---- comparison and arithmetic ----
    pub fn lua_arith(L: *mut lua_State, op: c_int);
    pub fn lua_rawequal(L: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    pub fn lua_compare(L: *mut lua_State, idx1: c_int, idx2: c_int, op: c_int) -> c_int;

    // ---- push functions ----
    pub fn lua_pushnil(L: *mut lua_State);
    pub fn lua_pushnumber(L: *mut lua_State, n: lua_Number);
    pub fn lua_pushinteger(L: *mut lua_State, n: lua_Integer);
    pub fn lua_pushlstring(L: *mut lua_State, s: *const c_char, len: usize) -> *const c_char;
    pub fn lua_pushstring(L: *mut lua_State, s: *const c_char) -> *const c_char;
    pub fn lua_pushfstring(L: *mut lua_State, fmt: *const c_char, ...) -> *const c_char;
    pub fn lua_pushcclosure(L: *mut lua_State, f: lua_CFunction, n: c_int);
    pub fn lua_pushboolean(L: *mut lua_State, b: c_int);
    pub fn lua_pushlightuserdata(L: *mut lua_State, p: *mut c_void);
    pub fn lua_pushthread(L: *mut lua_State) -> c_int;

    // ---- get functions ----
    pub fn lua_getglobal(L: *mut lua_State, name: *const c_char) -> c_int;
    pub fn lua_gettable(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_getfield(L: *mut lua_State, idx: c_int, k: *const c_char) -> c_int;
    pub fn lua_geti(L: *mut lua_State, idx: c_int, n: lua_Integer) -> c_int;
    pub fn lua_rawget(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_rawgeti(L: *mut lua_State, idx: c_int, n: lua_Integer) -> c_int;
    pub fn lua_rawgetp(L: *mut lua_State, idx: c_int, p: *const c_void) -> c_int;
    pub fn lua_createtable(L: *mut lua_State, narr: c_int, nrec: c_int);
    pub fn lua_newuserdatauv(L: *mut lua_State, sz: usize, nuvalue: c_int) -> *mut c_void;
    pub fn lua_getmetatable(L: *mut lua_State, objindex: c_int) -> c_int;
    pub fn lua_getiuservalue(L: *mut lua_State, idx: c_int, n: c_int) -> c_int;

    // ---- set functions ----
    pub fn lua_setglobal(L: *mut lua_State, name: *const c_char);
    pub fn lua_settable(L: *mut lua_State, idx: c_int);
    pub fn lua_setfield(L: *mut lua_State, idx: c_int, k: *const c_char);
    pub fn lua_seti(L: *mut lua_State, idx: c_int, n: lua_Integer);
    pub fn lua_rawset(L: *mut lua_State, idx: c_int);
    pub fn lua_rawseti(L: *mut lua_State, idx: c_int, n: lua_Integer);
    pub fn lua_rawsetp(L: *mut lua_State, idx: c_int, p: *const c_void);
    pub fn lua_setmetatable(L: *mut lua_State, objindex: c_int) -> c_int;
    pub fn lua_setiuservalue(L: *mut lua_State, idx: c_int, n: c_int) -> c_int;

    // ---- load and call ----
    pub fn lua_callk(L: *mut lua_State, nargs: c_int, nresults: c_int, ctx: lua_KContext, k: Option<lua_KFunction>);
    pub fn lua_pcallk(
        L: *mut lua_State,
        nargs: c_int,
        nresults: c_int,
        errfunc: c_int,
        ctx: lua_KContext,
        k: Option<lua_KFunction>,
    ) -> c_int;
    pub fn lua_load(
        L: *mut lua_State,
        reader: lua_Reader,
        dt: *mut c_void,
        chunkname: *const c_char,
        mode: *const c_char,
    ) -> c_int;
    pub fn lua_dump(L: *mut lua_State, writer: lua_Writer, data: *mut c_void, strip: c_int) -> c_int;

    // ---- coroutines ----
    pub fn lua_yieldk(L: *mut lua_State, nresults: c_int, ctx: lua_KContext, k: Option<lua_KFunction>) -> c_int;
    pub fn lua_resume(L: *mut lua_State, from: *mut lua_State, narg: c_int, nres: *mut c_int) -> c_int;
    pub fn lua_status(L: *mut lua_State) -> c_int;
    pub fn lua_isyieldable(L: *mut lua_State) -> c_int;

    // ---- warnings ----
    pub fn lua_setwarnf(L: *mut lua_State, f: Option<lua_WarnFunction>, ud: *mut c_void);
    pub fn lua_warning(L: *mut lua_State, msg: *const c_char, tocont: c_int);

    // ---- garbage collection ----
    pub fn lua_gc(L: *mut lua_State, what: c_int, ...) -> c_int;

    // ---- miscellaneous ----
    pub fn lua_error(L: *mut lua_State) -> c_int;
    pub fn lua_next(L: *mut lua_State, idx: c_int) -> c_int;
    pub fn lua_concat(L: *mut lua_State, n: c_int);
    pub fn lua_len(L: *mut lua_State, idx: c_int);
    pub fn lua_stringtonumber(L: *mut lua_State, s: *const c_char) -> usize;
    pub fn lua_getallocf(L: *mut lua_State, ud: *mut *mut c_void) -> lua_Alloc;
    pub fn lua_setallocf(L: *mut lua_State, f: lua_Alloc, ud: *mut c_void);
    pub fn lua_toclose(L: *mut lua_State, idx: c_int);
    pub fn lua_closeslot(L: *mut lua_State, idx: c_int);

    // ---- debug API ----
    pub fn lua_getstack(L: *mut lua_State, level: c_int, ar: *mut lua_Debug) -> c_int;
    pub fn lua_getinfo(L: *mut lua_State, what: *const c_char, ar: *mut lua_Debug) -> c_int;
    pub fn lua_getupvalue(L: *mut lua_State, funcindex: c_int, n: c_int) -> *const c_char;
    pub fn lua_sethook(L: *mut lua_State, func: Option<lua_Hook>, mask: c_int, count: c_int);
    pub fn lua_gethook(L: *mut lua_State) -> Option<lua_Hook>;
    pub fn lua_gethookmask(L: *mut lua_State) -> c_int;
    pub fn lua_gethookcount(L: *mut lua_State) -> c_int;
    /// Deprecated in 5.4 (it does nothing), gone in 5.5.
    #[cfg(not(feature = "lua55"))]
    pub fn lua_setcstacklimit(L: *mut lua_State, limit: u32) -> c_int;
}

// ---- macros from lua.h, as functions ----

/// # Safety
/// `L` is a valid state.
pub unsafe fn lua_pop(L: *mut lua_State, n: c_int) {
    // SAFETY: forwarded contract.
    unsafe { lua_settop(L, -n - 1) }
}

/// # Safety
/// `L` is a valid state.
pub unsafe fn lua_newtable(L: *mut lua_State) {
    // SAFETY: forwarded contract.
    unsafe { lua_createtable(L, 0, 0) }
}

/// # Safety
/// `L` is a valid state.
pub unsafe fn lua_pushcfunction(L: *mut lua_State, f: lua_CFunction) {
    // SAFETY: forwarded contract.
    unsafe { lua_pushcclosure(L, f, 0) }
}

/// # Safety
/// `L` is a valid state with room for one value; may raise a Lua error.
pub unsafe fn lua_pcall(L: *mut lua_State, nargs: c_int, nresults: c_int, errfunc: c_int) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { lua_pcallk(L, nargs, nresults, errfunc, 0, None) }
}

/// # Safety
/// `L` is a valid state; may raise a Lua error.
pub unsafe fn lua_call(L: *mut lua_State, nargs: c_int, nresults: c_int) {
    // SAFETY: forwarded contract.
    unsafe { lua_callk(L, nargs, nresults, 0, None) }
}

/// # Safety
/// `L` is a valid state and `idx` an acceptable index.
pub unsafe fn lua_tostring(L: *mut lua_State, idx: c_int) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { lua_tolstring(L, idx, core::ptr::null_mut()) }
}

/// # Safety
/// `L` is a valid state and `idx` an acceptable index.
pub unsafe fn lua_tointeger(L: *mut lua_State, idx: c_int) -> lua_Integer {
    // SAFETY: forwarded contract.
    unsafe { lua_tointegerx(L, idx, core::ptr::null_mut()) }
}

/// # Safety
/// `L` is a valid state and `idx` an acceptable index.
pub unsafe fn lua_tonumber(L: *mut lua_State, idx: c_int) -> lua_Number {
    // SAFETY: forwarded contract.
    unsafe { lua_tonumberx(L, idx, core::ptr::null_mut()) }
}

/// # Safety
/// `L` is a valid state and `idx` a valid index.
pub unsafe fn lua_insert(L: *mut lua_State, idx: c_int) {
    // SAFETY: forwarded contract.
    unsafe { lua_rotate(L, idx, 1) }
}

/// # Safety
/// `L` is a valid state and `idx` a valid index.
pub unsafe fn lua_remove(L: *mut lua_State, idx: c_int) {
    // SAFETY: forwarded contract.
    unsafe {
        lua_rotate(L, idx, -1);
        lua_pop(L, 1);
    }
}

/// The raw memory area (`LUA_EXTRASPACE`, one pointer) associated with a state.
///
/// # Safety
/// `L` is a valid state.
pub unsafe fn lua_getextraspace(L: *mut lua_State) -> *mut c_void {
    // SAFETY: lua.h defines it as the pointer-sized area just before the state.
    unsafe { (L as *mut u8).sub(core::mem::size_of::<*mut c_void>()) as *mut c_void }
}

#[cfg(test)]
mod tests {
    use super::lua_Debug;

    unsafe extern "C" {
        /// `sizeof(lua_Debug)` and `offsetof(lua_Debug, short_src)` (build/layout.c).
        static lua_sys_debug_size: usize;
        static lua_sys_debug_short_src: usize;
    }

    #[test]
    fn lua_debug_is_laid_out_as_in_c() {
        // SAFETY: constants defined in layout.c, compiled into this crate's library.
        let (size, short_src) = unsafe { (lua_sys_debug_size, lua_sys_debug_short_src) };
        assert_eq!(core::mem::size_of::<lua_Debug>(), size);
        assert_eq!(core::mem::offset_of!(lua_Debug, short_src), short_src);
    }
}
