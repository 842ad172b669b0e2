#![allow(non_snake_case)]

//! The per-call limits on running Lua: an instruction budget shared by every thread of the
//! state, and a time limit. One count hook is set on the main thread when the state opens and
//! never removed (`debug.sethook` is not available), so every coroutine, which copies its
//! creator's hook, is counted against the same budget whenever it was created. Once a limit is
//! hit the hook fires on every instruction of every thread that runs, so neither `pcall` nor
//! `coroutine.resume` can swallow the error: it reaches the caller.
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
        self.set_hook(self.main_thread(), self.granularity());
    }

    /// The count between checks: the granularity, or less under a smaller limit.
    pub(crate) fn granularity(&self) -> c_int {
        match self.instruction_limit.get() {
            0 => GRANULARITY,
            limit => GRANULARITY.min(limit as c_int),
        }
    }

    /// Installs the limit hook on `L` with `count` instructions between calls.
    pub(crate) fn set_hook(&self, L: *mut lua_State, count: c_int) {
        let calls = if self.time_limit_ms.get() > 0 { LUA_MASKCALL } else { 0 };
        // SAFETY: L is a live thread of this state; lua_sethook never raises.
        unsafe { lua_sethook(L, Some(limit_hook), LUA_MASKCOUNT | calls, count) };
    }
}

/// The count (and, under a time limit, call) hook.
unsafe extern "C-unwind" fn limit_hook(L: *mut lua_State, ar: *mut lua_Debug) {
    // SAFETY: L is a thread of a state created by `Lua`; Lua passes a valid `ar`.
    let (core, event) = unsafe { (core_of(L), (*ar).event) };
    if core.limit_hit.get().is_none() {
        if event == LUA_HOOKCOUNT {
            // SAFETY: L is live.
            let spent = unsafe { lua_gethookcount(L) };
            core.budget.set(core.budget.get().saturating_sub(i64::from(spent)));
        } else {
            let calls = core.hook_calls.get().wrapping_add(1);
            core.hook_calls.set(calls);
            if calls % CALLS_PER_CLOCK_READ != 0 {
                return;
            }
        }
        if core.budget.get() <= 0 {
            core.limit_hit.set(Some(ErrorKind::InstructionLimit));
        } else if core.deadline.get().is_finite() && now_ms() > core.deadline.get() {
            core.limit_hit.set(Some(ErrorKind::TimeLimit));
        } else {
            // A coroutine that stopped a previous call still counts one by one: back to normal.
            // SAFETY: L is live.
            if event == LUA_HOOKCOUNT && unsafe { lua_gethookcount(L) } != core.granularity() {
                core.set_hook(L, core.granularity());
            }
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
            _ => {
                luaL_error(L, c"instruction limit of %I exceeded".as_ptr(), lua_Integer::from(core.instruction_limit.get()));
            }
        }
    }
}
