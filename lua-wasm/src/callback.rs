#![allow(non_snake_case)]

//! Rust functions callable from Lua. Each is a C closure (`trampoline`) whose upvalue is a
//! userdata owning the boxed Rust callback (see `userdata.rs`); its `__gc` drops it.
//!
//! The trampoline is where Rust errors become Lua errors without a `longjmp` crossing a Rust
//! frame: `run` does all the Rust work (values with destructors included) and returns; only
//! then does the trampoline, whose frame holds nothing, call `lua_error`.

use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::state::{Core, core_of};
use crate::userdata;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use crate::value::MultiValue;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A callback: given the state, the calling thread and the number of arguments (at 1..=n),
/// it pushes its results and returns how many, or a future for the thread to await.
pub(crate) type Callback = dyn Fn(&Lua, *mut lua_State, c_int) -> Result<Return>;

/// What a callback asks of its caller.
pub(crate) enum Return {
    /// This many results are on top of the stack.
    Values(c_int),
    /// Suspend the calling thread until the future is ready (see `async_call.rs`); its values
    /// become the call's results, its error the call's error.
    Await(AwaitFuture),
}

/// What an async function hands to the driver of the thread that called it.
pub(crate) type AwaitFuture = Pin<Box<dyn Future<Output = Result<MultiValue>>>>;

/// The registry key of the metatable of a yielded future (its address is unique).
static FUTURE_KEY: u8 = 0;

pub(crate) fn future_key() -> *const c_void {
    &FUTURE_KEY as *const u8 as *const c_void
}

/// The registry key of the callbacks' metatable (its address is unique).
static METATABLE_KEY: u8 = 0;

fn metatable_key() -> *const c_void {
    &METATABLE_KEY as *const u8 as *const c_void
}

/// Pushes a Lua function that runs `callback`.
pub(crate) fn push(core: &Core, L: *mut lua_State, callback: Box<Callback>) -> Result<()> {
    userdata::push_owned::<Rc<Callback>>(core, L, Rc::from(callback), metatable_key())?;
    core.protect(L, 1, 1, &mut |L| {
        // SAFETY: the userdata is argument 1; it becomes the closure's upvalue.
        unsafe { lua_pushcclosure(L, trampoline, 1) };
        1
    })
}

/// The C function behind every callback.
unsafe extern "C-unwind" fn trampoline(L: *mut lua_State) -> c_int {
    // SAFETY: L is the calling thread; `run` has returned, so no Rust frame with a destructor
    // stands between here and the protected call that will catch the error.
    unsafe {
        match run(L) {
            Outcome::Values(results) => results,
            Outcome::Raise => lua_error(L),
            Outcome::Await(nargs) => lua_yieldk(L, 1, nargs as lua_KContext, Some(resume_await)),
        }
    }
}

/// Continues a callback that awaited, once its thread is resumed with `true, values...` or
/// `false, error` above the callback's `ctx` arguments.
unsafe extern "C-unwind" fn resume_await(L: *mut lua_State, _status: c_int, ctx: lua_KContext) -> c_int {
    // SAFETY: the driver (async_call.rs) resumes with the flag and values described above.
    unsafe {
        let flag = ctx as c_int + 1;
        if lua_toboolean(L, flag) != 0 {
            lua_gettop(L) - flag
        } else {
            lua_error(L)
        }
    }
}

enum Outcome {
    Values(c_int),
    /// The error object is on top.
    Raise,
    /// The future (a userdata) is on top; the callback had this many arguments.
    Await(c_int),
}

/// Runs the callback and says what the trampoline must do.
///
/// # Safety
/// L is a thread of a state created by `Lua`, running the trampoline with its upvalue.
unsafe fn run(L: *mut lua_State) -> Outcome {
    // SAFETY: per the contract. The userdata is an upvalue of the running closure, so it (and
    // the callback it owns) stays alive during the call.
    let (core, callback) = unsafe { (core_of(L), userdata::borrow_owned::<Rc<Callback>>(L, lua_upvalueindex(1), metatable_key()).cloned()) };
    let Some(callback) = callback else {
        core.push_error(L, LuaError::runtime("this Rust function has been released"));
        return Outcome::Raise;
    };
    // A strong count for the call: the callback may drop the state's owner (its close then
    // waits for the outermost call to return, see `Core::close`).
    let rc = core.rc();
    let lua = Lua::from_rc(&rc);
    let previous = core.swap_current(L);
    // SAFETY: L is live.
    let nargs = unsafe { lua_gettop(L) };
    let outcome = catch_unwind(AssertUnwindSafe(|| callback(lua, L, nargs)));
    core.swap_current(previous);
    let error = match outcome {
        Ok(Ok(Return::Values(results))) => return Outcome::Values(results),
        Ok(Ok(Return::Await(future))) => match userdata::push_owned(core, L, Some(future), future_key()) {
            Ok(()) => return Outcome::Await(nargs),
            Err(error) => error,
        },
        Ok(Err(error)) => error,
        Err(panic) => {
            let text = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            LuaError::runtime(format!("a Rust callback panicked: {}", text.unwrap_or_default()))
        }
    };
    core.push_error(L, error);
    Outcome::Raise
}
