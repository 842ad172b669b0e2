#![allow(non_snake_case)]

//! The per-call limits on running Lua: an instruction budget shared by every thread of the
//! state, and a time limit, enforced by a count hook (which also carries a script's own
//! `debug.sethook` hook: see `debug_hook.rs`). A hook costs on every instruction (Lua then checks each one: 20-40% on the
//! workloads), so it is set only while a limit is: on the main thread, which every new coroutine
//! copies it from, and on every coroutine made earlier, which `coroutine.create` and
//! `coroutine.wrap` record in a weak table for that purpose. So every thread counts against the
//! same budget whenever it was created. Once a limit is hit the hook fires on every instruction
//! of every thread that runs, so neither `pcall` nor `coroutine.resume` can swallow the error.
//!
//! What no hook can stop: one long call into C (a pattern with heavy backtracking), and code
//! that runs with hooks off. Lua runs `__gc` finalizers with hooks off, which is why untrusted
//! code may not set them (`sandbox.rs`).

use crate::error::ErrorKind;
use crate::state::{Core, core_of};
use core::ffi::c_int;
use lua_sys::ffi::*;

/// Instructions between two checks of a thread that is under its budget.
const GRANULARITY: c_int = 1000;
/// Call events between two reads of the clock (calls into C are checked through these).
const CALLS_PER_CLOCK_READ: u32 = 16;

/// Milliseconds on a monotonic clock.
pub(crate) fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

impl Core {
    /// Starts a top-level call: a full budget and a fresh deadline.
    pub(crate) fn arm_limits(&self) {
        self.limit_hit.set(None);
        let limit = self.instruction_limit.get();
        self.budget.set(if limit == 0 { i64::MAX } else { i64::from(limit) });
        let time = self.time_limit_ms.get();
        self.deadline.set(if time == 0 { f64::INFINITY } else { now_ms() + f64::from(time) });
        let limited = limit != 0 || time != 0;
        if limited != self.hooked.get() {
            self.hook_every_thread(limited);
        } else if limited {
            // Coroutines keep their hook; one left counting one by one returns to normal itself.
            self.set_hook(self.main_thread(), self.granularity());
        }
    }

    /// Sets (or removes) the hook on the main thread and every recorded coroutine.
    fn hook_every_thread(&self, on: bool) {
        self.hooked.set(on);
        self.for_every_thread(|thread| match on {
            true => self.set_hook(thread, self.granularity()),
            false => self.unset_hook(thread),
        });
    }

    /// Ends the current call with `kind` (a limit, or `os.exit`): from now on every thread stops
    /// at its next instruction, so that neither `pcall` nor `coroutine.resume` can swallow it.
    pub(crate) fn stop_every_thread(&self, kind: ErrorKind) {
        self.limit_hit.set(Some(kind));
        self.hooked.set(true);
        self.for_every_thread(|thread| self.set_hook(thread, 1));
    }

    /// The error of a call that a limit or `os.exit` ended (as the hook raises it).
    pub(crate) fn stop_error(&self, kind: ErrorKind) -> crate::LuaError {
        let message = match kind {
            ErrorKind::TimeLimit => format!("time limit of {} ms exceeded", self.time_limit_ms.get()),
            ErrorKind::Exit { code } => format!("os.exit({code})"),
            _ => format!("instruction limit of {} exceeded", self.instruction_limit.get()),
        };
        crate::LuaError::new(kind, message)
    }

    /// Calls `apply` with the main thread and every recorded coroutine.
    fn for_every_thread(&self, mut apply: impl FnMut(*mut lua_State)) {
        let L = self.main_thread();
        apply(L);
        // SAFETY: L is live; walking the table with lua_next allocates nothing and raises
        // nothing (its keys come from lua_next itself, and no Lua code runs meanwhile).
        unsafe {
            if lua_checkstack(L, 3) == 0 {
                return;
            }
            if lua_rawgetp(L, LUA_REGISTRYINDEX, threads_key()) != LUA_TTABLE {
                lua_settop(L, -2);
                return;
            }
            lua_pushnil(L);
            while lua_next(L, -2) != 0 {
                let thread = lua_tothread(L, -2);
                if !thread.is_null() {
                    apply(thread);
                }
                lua_settop(L, -2);
            }
            lua_settop(L, -2);
        }
    }

    /// The count between checks: the granularity, or less under a smaller limit.
    pub(crate) fn granularity(&self) -> c_int {
        match self.instruction_limit.get() {
            0 => GRANULARITY,
            limit => GRANULARITY.min(limit as c_int),
        }
    }

    /// Installs the limit hook on `L` with `count` instructions between calls, carrying the
    /// script's own hook of `L` if it set one (see `debug_hook.rs`).
    pub(crate) fn set_hook(&self, L: *mut lua_State, count: c_int) {
        let calls = if self.time_limit_ms.get() > 0 { LUA_MASKCALL } else { 0 };
        let (mask, count) = match self.script_hook(L) {
            Some(script) if script.count > 0 => (script.mask | LUA_MASKCOUNT | calls, count.min(script.count)),
            Some(script) => (script.mask | LUA_MASKCOUNT | calls, count),
            None => (LUA_MASKCOUNT | calls, count),
        };
        // SAFETY: L is a live thread of this state; lua_sethook never raises.
        unsafe { lua_sethook(L, Some(limit_hook), mask, count) };
    }

    /// Removes the limit hook from `L`, leaving the script's own hook if it set one.
    fn unset_hook(&self, L: *mut lua_State) {
        let (hook, mask, count) = match self.script_hook(L) {
            Some(script) => (Some(script.dispatch), script.mask, script.count),
            None => (None, 0, 0),
        };
        // SAFETY: L is a live thread of this state; lua_sethook never raises.
        unsafe { lua_sethook(L, hook, mask, count) };
    }
}

/// The registry key of the weak table of coroutines (its address is unique).
static THREADS_KEY: u8 = 0;

fn threads_key() -> *const core::ffi::c_void {
    &THREADS_KEY as *const u8 as *const core::ffi::c_void
}

/// Creates the weak table of coroutines and wraps `coroutine.create` and `coroutine.wrap` to
/// record theirs. Runs under protection when the state opens.
///
/// # Safety
/// L is live, inside a protected call, with the standard libraries open.
pub(crate) unsafe fn open(L: *mut lua_State) {
    // SAFETY: per the contract; the names are NUL-terminated literals.
    unsafe {
        lua_createtable(L, 0, 0);
        lua_createtable(L, 0, 1);
        lua_pushstring(L, c"k".as_ptr());
        lua_setfield(L, -2, c"__mode".as_ptr());
        lua_setmetatable(L, -2);
        lua_rawsetp(L, LUA_REGISTRYINDEX, threads_key());
        lua_getglobal(L, c"coroutine".as_ptr());
        let originals = &core_of(L).originals;
        crate::sandbox::wrap_field(L, -1, c"create", &originals.coroutine_create, create_recorded);
        crate::sandbox::wrap_field(L, -1, c"wrap", &originals.coroutine_wrap, wrap_recorded);
        lua_settop(L, -2);
    }
}

/// `coroutine.create`, recording the new coroutine in the weak table.
unsafe extern "C-unwind" fn create_recorded(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with create's arguments.
    unsafe { record_coroutine(L, core_of(L).originals.coroutine_create.get()) }
}

/// `coroutine.wrap`, recording the new coroutine (the returned function's first upvalue).
unsafe extern "C-unwind" fn wrap_recorded(L: *mut lua_State) -> c_int {
    // SAFETY: as create_recorded.
    unsafe { record_coroutine(L, core_of(L).originals.coroutine_wrap.get()) }
}

/// Calls `original` (which leaves one result: a thread, or a function whose first upvalue is
/// one) and records that thread. A thread at the address of a collected one starts with no
/// script hook.
///
/// # Safety
/// L is a thread of a state created by `Lua`, with the arguments of `original`.
unsafe fn record_coroutine(L: *mut lua_State, original: Option<lua_CFunction>) -> c_int {
    // SAFETY: per the contract.
    unsafe {
        crate::sandbox::call_original(L, original);
        let result = lua_gettop(L);
        if lua_type(L, result) == LUA_TFUNCTION {
            lua_getupvalue(L, result, 1);
        } else {
            lua_pushvalue(L, result);
        }
        if lua_type(L, -1) == LUA_TTHREAD {
            core_of(L).forget_script_hook(lua_tothread(L, -1));
            record_thread(L);
        }
        lua_settop(L, result);
        1
    }
}

/// Records the thread on top of L (left there) in the weak table of coroutines, so that the
/// limits reach it.
///
/// # Safety
/// L is live, with a thread on top and room for three values.
pub(crate) unsafe fn record_thread(L: *mut lua_State) {
    // SAFETY: per the contract; the table is the registry's, made when the state opened.
    unsafe {
        if lua_rawgetp(L, LUA_REGISTRYINDEX, threads_key()) == LUA_TTABLE {
            lua_pushvalue(L, -2);
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
        lua_settop(L, -2);
    }
}

/// The count (and, under a time limit, call) hook, which also carries the script's own hook.
unsafe extern "C-unwind" fn limit_hook(L: *mut lua_State, ar: *mut lua_Debug) {
    // SAFETY: L is a thread of a state created by `Lua`; Lua passes a valid `ar`.
    let (core, event) = unsafe { (core_of(L), (*ar).event) };
    // SAFETY: L is live.
    let spent = if event == LUA_HOOKCOUNT { unsafe { lua_gethookcount(L) } } else { 0 };
    if core.limit_hit.get().is_none() {
        if !core.hooked.get() {
            // A coroutine that inherited the hook after the limits were lifted.
            // SAFETY: as the hook's own arguments.
            unsafe { core.forward_to_script(L, ar, spent) };
            return;
        }
        let check = match event {
            LUA_HOOKCOUNT => {
                core.budget.set(core.budget.get().saturating_sub(i64::from(spent)));
                true
            }
            // Call events (a time limit asks for them), and the events only a script's hook asked
            // for: these count one instruction each and read the clock now and then. A count
            // event that falls due while a script's hook runs is lost (Lua counts instructions
            // with hooks off too), so a loop whose every pass calls the script's hook could
            // otherwise dodge every count event.
            _ => {
                if event != LUA_HOOKCALL && event != LUA_HOOKTAILCALL || core.time_limit_ms.get() == 0 {
                    core.budget.set(core.budget.get().saturating_sub(1));
                }
                let calls = core.hook_calls.get().wrapping_add(1);
                core.hook_calls.set(calls);
                core.budget.get() <= 0 || calls % CALLS_PER_CLOCK_READ == 0
            }
        };
        if !check {
            // SAFETY: as the hook's own arguments.
            unsafe { core.forward_to_script(L, ar, spent) };
            return;
        }
        if core.budget.get() <= 0 {
            core.limit_hit.set(Some(ErrorKind::InstructionLimit));
        } else if core.deadline.get().is_finite() && now_ms() > core.deadline.get() {
            core.limit_hit.set(Some(ErrorKind::TimeLimit));
        } else {
            // A coroutine that stopped a previous call still counts one by one: back to normal.
            if event == LUA_HOOKCOUNT && spent == 1 && core.granularity() != 1 {
                core.set_hook(L, core.granularity());
            }
            // SAFETY: as the hook's own arguments.
            unsafe { core.forward_to_script(L, ar, spent) };
            return;
        }
    }
    // From now on every thread that runs stops at its next instruction.
    core.set_hook(L, 1);
    core.set_hook(core.main_thread(), 1);
    // SAFETY: L is live; `%I`/`%d` take a lua_Integer/c_int. luaL_error raises from this hook,
    // whose frame holds nothing with a destructor.
    unsafe {
        match core.limit_hit.get() {
            Some(ErrorKind::TimeLimit) => {
                luaL_error(L, c"time limit of %d ms exceeded".as_ptr(), core.time_limit_ms.get() as c_int);
            }
            Some(ErrorKind::Exit { code }) => {
                luaL_error(L, c"os.exit(%d)".as_ptr(), code);
            }
            _ => {
                luaL_error(L, c"instruction limit of %I exceeded".as_ptr(), lua_Integer::from(core.instruction_limit.get()));
            }
        }
    }
}
