#![allow(non_snake_case)]

//! Calling Lua functions from Rust.

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::error::Result;
use crate::lua::Lua;
use crate::state::Core;
use crate::value::Function;
use core::ffi::c_int;
use lua_sys::ffi::*;

impl Function {
    /// Calls the function with `args` under the state's limits and converts its results.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = Lua::from_rc(self.0.core());
        call_pushed(lua, args, |core, L| core.push_ref(L, &self.0))
    }
}

/// Pushes a function with `push`, calls it with `args` (with the traceback handler) and
/// converts every result.
pub(crate) fn call_pushed<A: IntoLuaMulti, R: FromLuaMulti>(
    lua: &Lua,
    args: A,
    push: impl FnOnce(&Core, *mut lua_State) -> Result<()>,
) -> Result<R> {
    let core = lua.core();
    let args = args.into_lua_multi(lua)?;
    let results = {
        let entry = core.enter()?;
        let L = entry.L;
        push(core, L)?;
        // SAFETY: L is live.
        let base = unsafe { lua_gettop(L) } - 1;
        for value in args.iter() {
            core.push_value(L, value)?;
        }
        core.call(L, args.len() as c_int, LUA_MULTRET)?;
        core.values_from(L, base + 1)?
    };
    R::from_lua_multi(results, lua)
}
