#![allow(non_snake_case)]

//! `debug.sethook` and `debug.gethook` beside the limits. A thread has one C hook. Without
//! limits a script's hook is Lua's own (`ldblib.c`'s dispatcher, exactly as natively); while a
//! limit is set the limit hook (`limits.rs`) takes its place, with the script's events added to
//! its mask, and passes each event the script asked for on to Lua's dispatcher. A script can
//! thus add a hook but can neither remove the limit's nor make it count less often.

use crate::state::{Core, core_of};
use core::ffi::c_int;
use lua_sys::ffi::*;

/// What a script asked of `debug.sethook` for one thread.
#[derive(Clone, Copy)]
pub(crate) struct ScriptHook {
    /// Lua's dispatcher (ldblib.c's static `hookf`), which finds the script's function.
    pub dispatch: lua_Hook,
    pub mask: c_int,
    /// Instructions between count events (0: none).
    pub count: c_int,
    /// Instructions left until the next count event, while the limit hook stands in.
    pub left: c_int,
}

/// Replaces `debug.sethook` and `debug.gethook`. Runs under protection when the state opens.
///
/// # Safety
/// L is live, inside a protected call, with the debug library open.
pub(crate) unsafe fn open(L: *mut lua_State) {
    // SAFETY: per the contract; the names are NUL-terminated literals.
    unsafe {
        lua_getglobal(L, c"debug".as_ptr());
        lua_getfield(L, -1, c"sethook".as_ptr());
        lua_pushcclosure(L, sethook, 1);
        lua_setfield(L, -2, c"sethook".as_ptr());
        lua_getfield(L, -1, c"gethook".as_ptr());
        lua_pushcclosure(L, gethook, 1);
        lua_setfield(L, -2, c"gethook".as_ptr());
        lua_settop(L, -2);
    }
}

/// The thread `debug.sethook`/`gethook` act on: argument 1 if it is a thread, else L.
///
/// # Safety
/// L is live.
unsafe fn target(L: *mut lua_State) -> *mut lua_State {
    // SAFETY: per the contract.
    unsafe { if lua_type(L, 1) == LUA_TTHREAD { lua_tothread(L, 1) } else { L } }
}

/// `debug.sethook`: Lua's, then the limit hook put back on top if a limit is set.
/// Upvalue 1: Lua's `debug.sethook`.
unsafe extern "C-unwind" fn sethook(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with sethook's arguments.
    unsafe {
        let core = core_of(L);
        let thread = target(L);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_callk(L, lua_gettop(L) - 1, 0, 0, None);
        let mut hooks = core.script_hooks.borrow_mut();
        match lua_gethook(thread) {
            Some(dispatch) => {
                let (mask, count) = (lua_gethookmask(thread), lua_gethookcount(thread));
                hooks.insert(thread as usize, ScriptHook { dispatch, mask, count, left: count });
            }
            None => {
                hooks.remove(&(thread as usize));
            }
        }
        drop(hooks);
        if core.hooked.get() {
            let count = if core.limit_hit.get().is_some() { 1 } else { core.granularity() };
            core.set_hook(thread, count);
        }
    }
    0
}

/// `debug.gethook`: the script's hook as the script set it; the limit hook is not shown.
/// Upvalue 1: Lua's `debug.gethook`.
unsafe extern "C-unwind" fn gethook(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with gethook's arguments; the
    // registry's hook table is ldblib.c's.
    unsafe {
        let core = core_of(L);
        let thread = target(L);
        let script = core.script_hooks.borrow().get(&(thread as usize)).copied();
        let Some(hook) = script else {
            if core.hooked.get() {
                lua_pushnil(L);
                return 1;
            }
            lua_pushvalue(L, lua_upvalueindex(1));
            lua_insert(L, 1);
            lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, None);
            return lua_gettop(L);
        };
        lua_getfield(L, LUA_REGISTRYINDEX, c"_HOOKKEY".as_ptr());
        if lua_type(L, -1) == LUA_TTABLE {
            lua_pushthread(thread);
            lua_xmove(thread, L, 1);
            lua_rawget(L, -2);
        } else {
            lua_pushnil(L);
        }
        let mut letters = Vec::with_capacity(4);
        for (bit, letter) in [(LUA_MASKCALL, b'c'), (LUA_MASKRET, b'r'), (LUA_MASKLINE, b'l')] {
            if hook.mask & bit != 0 {
                letters.push(letter);
            }
        }
        lua_pushlstring(L, letters.as_ptr().cast(), letters.len());
        lua_pushinteger(L, lua_Integer::from(hook.count));
        3
    }
}

impl Core {
    /// The script's hook on `L`, if it set one.
    pub(crate) fn script_hook(&self, L: *mut lua_State) -> Option<ScriptHook> {
        self.script_hooks.borrow().get(&(L as usize)).copied()
    }

    /// Passes one event of the limit hook on to the script's hook of `L`, if it asked for it.
    /// `spent`: the instructions counted since the last count event.
    ///
    /// # Safety
    /// Called from the limit hook with its `L` and `ar`.
    pub(crate) unsafe fn forward_to_script(&self, L: *mut lua_State, ar: *mut lua_Debug, spent: c_int) {
        let Some(hook) = self.script_hook(L) else { return };
        // SAFETY: Lua passes a valid `ar`.
        let event = unsafe { (*ar).event };
        let wanted = match event {
            LUA_HOOKCOUNT => {
                if hook.mask & LUA_MASKCOUNT == 0 {
                    return;
                }
                let left = hook.left - spent;
                let due = left <= 0;
                if let Some(entry) = self.script_hooks.borrow_mut().get_mut(&(L as usize)) {
                    entry.left = if due { hook.count } else { left };
                }
                due
            }
            LUA_HOOKCALL | LUA_HOOKTAILCALL => hook.mask & LUA_MASKCALL != 0,
            LUA_HOOKRET => hook.mask & LUA_MASKRET != 0,
            LUA_HOOKLINE => hook.mask & LUA_MASKLINE != 0,
            _ => false,
        };
        if wanted {
            // SAFETY: Lua's dispatcher, called as Lua calls a hook.
            unsafe { (hook.dispatch)(L, ar) };
        }
    }
}
