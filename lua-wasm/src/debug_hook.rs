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

/// The registry field of ldblib.c's table from threads to their script hook functions.
const HOOK_TABLE: &core::ffi::CStr = c"_HOOKKEY";

/// Replaces `debug.sethook` and `debug.gethook` with the same functions (as `ldblib.c` has them)
/// that know about the limit hook. Runs under protection when the state opens.
///
/// # Safety
/// L is live, inside a protected call, with the debug library open.
pub(crate) unsafe fn open(L: *mut lua_State) {
    // SAFETY: per the contract; the names are NUL-terminated literals.
    unsafe {
        lua_getglobal(L, c"debug".as_ptr());
        crate::sandbox::wrap_field(L, -1, c"sethook", &core_of(L).originals.sethook, sethook);
        lua_pushcclosure(L, gethook, 0);
        lua_setfield(L, -2, c"gethook".as_ptr());
        lua_settop(L, -2);
    }
}

/// Lua's hook dispatcher (`hookf` of ldblib.c, which is static): learnt on first use by letting
/// Lua's own `sethook` set a hook on a scratch thread.
///
/// # Safety
/// L is live, inside a C function.
unsafe fn dispatcher(L: *mut lua_State) -> Option<lua_Hook> {
    // SAFETY: per the contract, L is a thread of a state created by `Lua`.
    let core = unsafe { core_of(L) };
    if let (None, Some(original)) = (core.script_dispatch.get(), core.originals.sethook.get()) {
        // SAFETY: per the contract; everything pushed here is popped before returning.
        unsafe {
            let scratch = lua_newthread(L);
            lua_pushcclosure(L, original, 0);
            lua_pushvalue(L, -2);
            lua_pushcclosure(L, do_nothing, 0);
            lua_pushstring(L, c"l".as_ptr());
            lua_callk(L, 3, 0, 0, None);
            core.script_dispatch.set(lua_gethook(scratch));
            lua_sethook(scratch, None, 0, 0);
            lua_settop(L, -2);
        }
    }
    core.script_dispatch.get()
}

/// The registry key of the hook coroutine (its address is unique).
static HOOK_THREAD_KEY: u8 = 0;

fn hook_thread_key() -> *const core::ffi::c_void {
    &HOOK_THREAD_KEY as *const u8 as *const core::ffi::c_void
}

unsafe extern "C-unwind" fn do_nothing(_L: *mut lua_State) -> c_int {
    0
}

/// The thread `debug.sethook`/`gethook` act on and the index of the argument after it
/// (`getthread` of ldblib.c).
///
/// # Safety
/// L is live.
unsafe fn target(L: *mut lua_State) -> (*mut lua_State, c_int) {
    // SAFETY: per the contract.
    unsafe { if lua_type(L, 1) == LUA_TTHREAD { (lua_tothread(L, 1), 1) } else { (L, 0) } }
}

/// `debug.sethook([thread,] [hook, mask [, count]])`: `db_sethook` of ldblib.c, recording the
/// script's hook, and under a limit setting the limit hook that carries it. Setting a hook
/// restarts the thread's instruction count, so under an instruction limit each call is charged
/// a whole count period.
unsafe extern "C-unwind" fn sethook(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with sethook's arguments.
    unsafe {
        let core = core_of(L);
        let (thread, arg) = target(L);
        let Some(dispatch) = dispatcher(L) else {
            return luaL_error(L, c"debug.sethook is not available".as_ptr());
        };
        let (mask, count) = if lua_type(L, arg + 1) <= LUA_TNIL {
            lua_settop(L, arg + 1);
            (0, 0)
        } else {
            let letters = core::ffi::CStr::from_ptr(luaL_checklstring(L, arg + 2, core::ptr::null_mut())).to_bytes();
            luaL_checktype(L, arg + 1, LUA_TFUNCTION);
            let count = luaL_optinteger(L, arg + 3, 0) as c_int;
            let mut mask = 0;
            for (letter, bit) in [(b'c', LUA_MASKCALL), (b'r', LUA_MASKRET), (b'l', LUA_MASKLINE)] {
                if letters.contains(&letter) {
                    mask |= bit;
                }
            }
            (if count > 0 { mask | LUA_MASKCOUNT } else { mask }, count)
        };
        if luaL_getsubtable(L, LUA_REGISTRYINDEX, HOOK_TABLE.as_ptr()) == 0 {
            lua_pushstring(L, c"k".as_ptr());
            lua_setfield(L, -2, c"__mode".as_ptr());
            lua_pushvalue(L, -1);
            lua_setmetatable(L, -2);
        }
        if L != thread && lua_checkstack(thread, 1) == 0 {
            return luaL_error(L, c"stack overflow".as_ptr());
        }
        lua_pushthread(thread);
        lua_xmove(thread, L, 1);
        lua_pushvalue(L, arg + 1);
        lua_rawset(L, -3);
        let mut hooks = core.script_hooks.borrow_mut();
        hooks.retain(|(t, _)| *t != thread as usize);
        if mask != 0 {
            hooks.push((thread as usize, ScriptHook { dispatch, mask, count, left: count }));
        }
        drop(hooks);
        if core.hooked.get() {
            if core.instruction_limit.get() > 0 && core.limit_hit.get().is_none() {
                core.budget.set(core.budget.get() - i64::from(core.granularity()));
                if core.budget.get() <= 0 {
                    core.stop_every_thread(crate::ErrorKind::InstructionLimit);
                    return luaL_error(L, c"instruction limit of %I exceeded".as_ptr(), lua_Integer::from(core.instruction_limit.get()));
                }
            }
            let count = if core.limit_hit.get().is_some() { 1 } else { core.granularity() };
            core.set_hook(thread, count);
        } else {
            lua_sethook(thread, (mask != 0).then_some(dispatch), mask, count);
        }
    }
    0
}

/// `debug.gethook([thread])`: `db_gethook` of ldblib.c, showing the script's hook and never
/// the limit hook.
unsafe extern "C-unwind" fn gethook(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`; the registry's hook table is the one
    // `sethook` keeps.
    unsafe {
        let core = core_of(L);
        let (thread, _) = target(L);
        let (mask, count) = match (core.script_hook(thread), lua_gethook(thread), core.script_dispatch.get()) {
            (Some(hook), _, _) => (hook.mask, hook.count),
            // A coroutine that inherited the hook of the thread that made it.
            (None, Some(hook), Some(dispatch)) if core::ptr::fn_addr_eq(hook, dispatch) => {
                (lua_gethookmask(thread), lua_gethookcount(thread))
            }
            _ => {
                lua_pushnil(L);
                return 1;
            }
        };
        lua_getfield(L, LUA_REGISTRYINDEX, HOOK_TABLE.as_ptr());
        if lua_type(L, -1) == LUA_TTABLE {
            if L != thread && lua_checkstack(thread, 1) == 0 {
                return luaL_error(L, c"stack overflow".as_ptr());
            }
            lua_pushthread(thread);
            lua_xmove(thread, L, 1);
            lua_rawget(L, -2);
        } else {
            lua_pushnil(L);
        }
        let mut letters = Vec::with_capacity(4);
        for (bit, letter) in [(LUA_MASKCALL, b'c'), (LUA_MASKRET, b'r'), (LUA_MASKLINE, b'l')] {
            if mask & bit != 0 {
                letters.push(letter);
            }
        }
        lua_pushlstring(L, letters.as_ptr().cast(), letters.len());
        lua_pushinteger(L, lua_Integer::from(count));
        3
    }
}

impl Core {
    /// The script's hook on `L`, if it set one.
    pub(crate) fn script_hook(&self, L: *mut lua_State) -> Option<ScriptHook> {
        self.script_hooks.borrow().iter().find(|(t, _)| *t == L as usize).map(|(_, hook)| *hook)
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
                if let Some((_, entry)) = self.script_hooks.borrow_mut().iter_mut().find(|(t, _)| *t == L as usize) {
                    entry.left = if due { hook.count } else { left };
                }
                due
            }
            LUA_HOOKCALL | LUA_HOOKTAILCALL => hook.mask & LUA_MASKCALL != 0,
            LUA_HOOKRET => hook.mask & LUA_MASKRET != 0,
            LUA_HOOKLINE => hook.mask & LUA_MASKLINE != 0,
            _ => false,
        };
        if !wanted {
        } else if self.trusted {
            // SAFETY: Lua's dispatcher, called as Lua calls a hook.
            unsafe { (hook.dispatch)(L, ar) };
        } else {
            // SAFETY: as the hook's own arguments.
            unsafe { self.run_bounded(L, ar) };
        }
    }

    /// Forgets the script hook recorded at the address of a new thread (a collected thread's).
    pub(crate) fn forget_script_hook(&self, thread: *mut lua_State) {
        self.script_hooks.borrow_mut().retain(|(t, _)| *t != thread as usize);
    }

    /// Calls the script's hook function of `L` for this event on the state's hook coroutine,
    /// where the limit hook counts its instructions: Lua runs a hook with hooks off on its own
    /// thread, so called there (as trusted states do) it would run outside every limit. The one
    /// difference a script sees: inside its hook, `debug.getinfo(2)` is not the hooked function
    /// (pass the thread: the hook's first upvalue-free way is `debug.getinfo(co, 1)`).
    ///
    /// # Safety
    /// Called from the limit hook with its `L` and `ar`.
    unsafe fn run_bounded(&self, L: *mut lua_State, ar: *mut lua_Debug) {
        const EVENTS: [&core::ffi::CStr; 5] = [c"call", c"return", c"line", c"count", c"tail call"];
        // SAFETY: L is live inside its hook; Lua passes a valid `ar`; every value pushed on L is
        // popped or moved before returning or raising.
        unsafe {
            let (event, line) = ((*ar).event, (*ar).currentline);
            if lua_checkstack(L, 4) == 0 {
                return;
            }
            lua_getfield(L, LUA_REGISTRYINDEX, HOOK_TABLE.as_ptr());
            if lua_type(L, -1) != LUA_TTABLE {
                lua_settop(L, -2);
                return;
            }
            lua_pushthread(L);
            if lua_rawget(L, -2) != LUA_TFUNCTION {
                lua_settop(L, -3);
                return;
            }
            let co = self.hook_thread(L);
            lua_xmove(L, co, 1);
            lua_settop(L, -2);
            lua_pushstring(co, EVENTS.get(event as usize).copied().unwrap_or(c"?").as_ptr());
            if line >= 0 {
                lua_pushinteger(co, lua_Integer::from(line));
            } else {
                lua_pushnil(co);
            }
            let mut results = 0;
            match lua_resume(co, L, 2, &mut results) {
                LUA_OK => lua_settop(co, 0),
                LUA_YIELD => {
                    self.drop_hook_thread(L);
                    luaL_error(L, c"attempt to yield from a hook".as_ptr());
                }
                _ => {
                    lua_xmove(co, L, 1);
                    self.drop_hook_thread(L);
                    lua_error(L);
                }
            }
        }
    }

    /// The state's hook coroutine (made on first use, and again after one ended in an error).
    ///
    /// # Safety
    /// L is live with room for three values.
    unsafe fn hook_thread(&self, L: *mut lua_State) -> *mut lua_State {
        // SAFETY: per the contract; the thread is kept in the registry and recorded with the
        // coroutines so that the limits reach it.
        unsafe {
            if lua_rawgetp(L, LUA_REGISTRYINDEX, hook_thread_key()) == LUA_TTHREAD {
                let co = lua_tothread(L, -1);
                lua_settop(L, -2);
                return co;
            }
            lua_settop(L, -2);
            let co = lua_newthread(L);
            self.forget_script_hook(co);
            crate::limits::record_thread(L);
            lua_rawsetp(L, LUA_REGISTRYINDEX, hook_thread_key());
            co
        }
    }

    /// Drops the hook coroutine (it ended in an error or a yield and cannot run again).
    ///
    /// # Safety
    /// L is live with room for one value.
    unsafe fn drop_hook_thread(&self, L: *mut lua_State) {
        // SAFETY: per the contract.
        unsafe {
            lua_pushnil(L);
            lua_rawsetp(L, LUA_REGISTRYINDEX, hook_thread_key());
        }
    }
}
