#![allow(non_snake_case)]

//! Lua that awaits: a chunk or function run as a coroutine driven by a Rust future. A Rust
//! async function ([`Lua::create_async_function`]) called from that coroutine suspends it (a
//! `lua_yieldk` from the callback trampoline) and hands its future to the driver, which polls
//! it and resumes the coroutine with the result. On wasm32 the JS API builds `runAsync` and
//! `await` on this, with JS promises as the futures.
//!
//! Limits hold across awaits: the instruction budget and the running time of one async call
//! carry over from step to step (time spent waiting does not count). Only the driver's own
//! coroutine may await: not one the chunk creates (nobody would resume it for the driver), and
//! not across a C call that cannot yield (a `table.sort` comparator, a metamethod called from C).

use crate::callback::{AwaitFuture, Return, future_key};
use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::reference::LuaRef;
use crate::stack::string_bytes;
use crate::state::Core;
use crate::userdata;
use crate::value::{Function, MultiValue};
use core::ffi::c_int;
use lua_sys::ffi::*;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

impl Lua {
    /// A Lua function that, called from code run by [`Chunk::eval_async`](crate::Chunk::eval_async)
    /// or [`Function::call_async`], suspends it until the future `function` returns is ready.
    /// Called from anywhere else it raises an error saying so.
    pub fn create_async_function<A, R, F, Fut>(&self, function: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + 'static,
        F: Fn(&Lua, A) -> Fut + 'static,
        Fut: Future<Output = Result<R>> + 'static,
    {
        self.create_callback(Box::new(move |lua, L, _nargs| {
            lua.core().check_can_await(L)?;
            let args = A::from_lua_multi(lua.core().values_from(L, 1)?, lua)?;
            let future = function(lua, args);
            let core = lua.core().rc();
            Ok(Return::Await(Box::pin(async move {
                let results = future.await?;
                results.into_lua_multi(Lua::from_rc(&core))
            })))
        }))
    }
}

impl Function {
    /// Calls the function as a coroutine that may await (see the module docs); the future
    /// completes with its results.
    pub fn call_async<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> impl Future<Output = Result<R>> + use<A, R> {
        let lua = Lua::from_rc(self.0.core());
        let call = args.into_lua_multi(lua).and_then(|args| AsyncCall::start(lua, &self.0, args));
        let core = self.0.core().clone();
        async move {
            let results = call?.await?;
            R::from_lua_multi(results, Lua::from_rc(&core))
        }
    }
}

impl Core {
    /// Whether a callback running on `L` may await.
    pub(crate) fn check_can_await(&self, L: *mut lua_State) -> Result<()> {
        if !self.async_threads.borrow().contains(&(L as usize)) {
            return Err(LuaError::runtime(
                "await is only available in code run by runAsync (Rust: eval_async/call_async), and not inside a coroutine that code creates",
            ));
        }
        // SAFETY: L is live.
        if unsafe { lua_isyieldable(L) } == 0 {
            return Err(LuaError::runtime(
                "cannot await here: a C function without a continuation stands between (e.g. a table.sort comparator or a metamethod called from C)",
            ));
        }
        Ok(())
    }
}

/// One async call in progress: a future that resumes its coroutine until it returns.
pub(crate) struct AsyncCall {
    thread: LuaRef,
    /// The thread's address, registered in `Core::async_threads` while the call lives.
    key: usize,
    /// Values for the next resume: the first ones (function arguments), or an await's outcome.
    resume: Option<Result<MultiValue>>,
    first: bool,
    awaiting: Option<AwaitFuture>,
    /// Instructions left and milliseconds of running time left, carried across awaits.
    budget: Option<(i64, f64)>,
    done: bool,
}

impl AsyncCall {
    /// A coroutine that will call the function `function` refers to with `args`.
    pub(crate) fn start(lua: &Lua, function: &LuaRef, args: MultiValue) -> Result<AsyncCall> {
        let core = lua.core();
        let entry = core.enter()?;
        let L = entry.L;
        let mut thread = core::ptr::null_mut();
        core.protect(L, 0, 1, &mut |L| {
            // SAFETY: L is live, inside the protected call; the thread is the one result.
            thread = unsafe { lua_newthread(L) };
            1
        })?;
        core.forget_script_hook(thread);
        let reference = core.anchor_top(L)?;
        core.push_ref(L, function)?;
        // SAFETY: L is live with the function on top; the new thread is empty and suspended
        // (not started), so values may be moved onto it.
        unsafe {
            if lua_checkstack(thread, 1) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            lua_xmove(L, thread, 1);
        }
        let key = thread as usize;
        core.async_threads.borrow_mut().push(key);
        Ok(AsyncCall { thread: reference, key, resume: Some(Ok(args)), first: true, awaiting: None, budget: None, done: false })
    }

    /// Resumes the coroutine once; Ready when it returned or failed, Pending with a new
    /// `awaiting` future when it awaits.
    fn step(&mut self, core: &Core) -> Poll<Result<MultiValue>> {
        let resume = self.resume.take().unwrap_or(Ok(MultiValue::new()));
        let entry = match core.enter_resuming(self.budget) {
            Ok(entry) => entry,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let L = entry.L;
        let result = self.resume_thread(core, L, resume);
        self.budget = Some(core.remaining_limits());
        result
    }

    fn resume_thread(&mut self, core: &Core, L: *mut lua_State, resume: Result<MultiValue>) -> Poll<Result<MultiValue>> {
        // SAFETY: L is live; the thread is suspended (or not yet started) and anchored.
        let thread = unsafe {
            if let Err(error) = core.push_ref(L, &self.thread) {
                return Poll::Ready(Err(error));
            }
            let thread = lua_tothread(L, -1);
            lua_settop(L, -2);
            thread
        };
        // The values go onto this thread first (pushing may need a protected call, which a
        // suspended thread cannot run), then move over.
        let base = unsafe { lua_gettop(L) };
        let pushed = match resume {
            Ok(values) if self.first => values.iter().try_for_each(|v| core.push_value(L, v)),
            Ok(values) => core.push_value(L, &crate::Value::Boolean(true)).and_then(|()| values.iter().try_for_each(|v| core.push_value(L, v))),
            Err(error) => core.push_value(L, &crate::Value::Boolean(false)).map(|()| core.push_error(L, error)),
        };
        if let Err(error) = pushed {
            return Poll::Ready(Err(error));
        }
        self.first = false;
        let mut nresults = 0;
        // SAFETY: both threads are live; lua_resume runs the thread in protected mode and
        // returns a status (it does not raise into this frame).
        let status = unsafe {
            let nargs = lua_gettop(L) - base;
            if lua_checkstack(thread, nargs + 1) == 0 {
                return Poll::Ready(Err(LuaError::memory("stack overflow (cannot grow the Lua stack)")));
            }
            lua_xmove(L, thread, nargs);
            lua_resume(thread, L, nargs, &mut nresults)
        };
        match status {
            LUA_OK => Poll::Ready(self.take_results(core, L, thread, nresults)),
            LUA_YIELD => {
                // SAFETY: the thread yielded `nresults` values: an async function's future (a
                // userdata made by the callback trampoline), or anything a plain
                // `coroutine.yield` passed, which resumes it at once with nothing.
                unsafe {
                    let future = if nresults == 1 {
                        userdata::borrow_owned_mut::<Option<AwaitFuture>>(thread, -1, future_key()).and_then(Option::take)
                    } else {
                        None
                    };
                    lua_settop(thread, -nresults - 1);
                    match future {
                        Some(future) => self.awaiting = Some(future),
                        None => self.resume = Some(Ok(MultiValue::new())),
                    }
                }
                Poll::Pending
            }
            status => Poll::Ready(Err(self.take_error(core, L, thread, status))),
        }
    }

    fn take_results(&self, core: &Core, L: *mut lua_State, thread: *mut lua_State, count: c_int) -> Result<MultiValue> {
        // SAFETY: the thread returned `count` values on its top.
        unsafe {
            if lua_checkstack(L, count) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let base = lua_gettop(L);
            lua_xmove(thread, L, count);
            core.values_from(L, base + 1)
        }
    }

    fn take_error(&self, core: &Core, L: *mut lua_State, thread: *mut lua_State, status: c_int) -> LuaError {
        // The traceback comes from the dead thread's stack, read before the error moves over.
        let mut traceback = String::new();
        let _ = core.protect(L, 0, 0, &mut |L| {
            // SAFETY: L is live, inside the protected call; the dead thread's stack is readable.
            unsafe {
                let message = if lua_type(thread, -1) == LUA_TSTRING { lua_tolstring(thread, -1, core::ptr::null_mut()) } else { core::ptr::null() };
                luaL_traceback(L, thread, message, 0);
                traceback = String::from_utf8_lossy(string_bytes(L, -1)).into_owned();
            }
            0
        });
        // SAFETY: the error object is on the thread's top; L has a slot after the check.
        unsafe {
            if lua_checkstack(L, 1) == 0 {
                return LuaError::memory("stack overflow (cannot grow the Lua stack)");
            }
            lua_xmove(thread, L, 1);
        }
        let mut error = core.error_from_top(L, status);
        if error.traceback.is_empty() {
            error.traceback = traceback;
        }
        error
    }
}

impl Future for AsyncCall {
    type Output = Result<MultiValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<MultiValue>> {
        let this = self.get_mut();
        let core = this.thread.core().clone();
        loop {
            if this.done {
                return Poll::Ready(Err(LuaError::runtime("the async call has already completed")));
            }
            if !core.is_open() {
                this.done = true;
                return Poll::Ready(Err(LuaError::closed()));
            }
            if let Some(future) = this.awaiting.as_mut() {
                match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        core.wake_at_close(cx.waker().clone());
                        return Poll::Pending;
                    }
                    Poll::Ready(result) => {
                        this.awaiting = None;
                        this.resume = Some(result);
                    }
                }
            }
            if let Poll::Ready(result) = this.step(&core) {
                this.done = true;
                return Poll::Ready(result);
            }
        }
    }
}

impl Drop for AsyncCall {
    fn drop(&mut self) {
        let core = self.thread.core();
        core.async_threads.borrow_mut().retain(|&k| k != self.key);
    }
}
