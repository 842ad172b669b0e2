#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! [`Core`]: what one Lua state shares with every handle to it (tables, functions, callbacks)
//! and with the C hooks that reach it through `lua_getextraspace`. Every field is a `Cell` or
//! `RefCell`: Rust code and C callbacks interleave on one thread, and nothing here is ever
//! borrowed across a call into Lua.
//!
//! The protected-call discipline lives here too. A Lua error is a `longjmp` (on wasm32, a thrown
//! wasm exception); it must never cross a Rust frame that holds a value with a destructor.
//! So every Lua API call that can raise runs inside [`Core::protect`], whose closure keeps its
//! owned values in the caller's frame and only borrows them, and errors that Rust code raises
//! into Lua are raised by the C trampoline after the Rust frames have returned (`callback.rs`).
//!
//! What that relies on: a Lua error does cross the few Rust frames that run inside Lua (the
//! protected-call trampoline, callbacks' `trampoline`, hooks and library overrides), which hold
//! only references and raw pointers. Natively that is a `longjmp` over frames without
//! destructors. On wasm32 it is a thrown wasm exception, and Rust must be compiled without
//! landing pads (no `exception-handling` target feature), else a Rust frame could catch or
//! clean up for a foreign exception: the compile error below keeps that assumption checked.

#[cfg(all(target_arch = "wasm32", target_feature = "exception-handling"))]
compile_error!(
    "lua-wasm assumes Rust frames on wasm32 have no landing pads (Lua errors are wasm exceptions that cross them): build without the exception-handling target feature"
);

use crate::allocator::OwnedAllocator;
use crate::error::{ErrorKind, LuaError, Result};
use crate::output;
use crate::protected;
use crate::reference::LuaRef;
use crate::value::Value;
use core::ffi::{c_int, c_void};
use lua_sys::ffi::*;
use std::cell::{Cell, RefCell};

/// One state's shared data. Owned by an `Rc`; `Lua` closes the state, handles only refer to it.
pub(crate) struct Core {
    /// The main thread; null once the state is closed.
    main: Cell<*mut lua_State>,
    /// The thread Rust code runs on now: the main thread, or the thread that called a callback.
    current: Cell<*mut lua_State>,
    /// How many calls from Rust into Lua are in progress (re-entry from callbacks nests).
    depth: Cell<u32>,
    /// The owner was dropped while Lua ran (from a callback): close when the calls return.
    close_pending: Cell<bool>,
    /// Instructions allowed per top-level call into Lua (0: no limit).
    pub instruction_limit: Cell<u32>,
    /// Milliseconds allowed per top-level call into Lua (0: no limit).
    pub time_limit_ms: Cell<u32>,
    /// Binary chunks and `__gc` metamethods are allowed (the `trusted` option).
    pub trusted: bool,
    /// Instructions left in the current call, shared by every thread (see `limits.rs`).
    pub budget: Cell<i64>,
    /// When the current call must end (`now_ms` scale; infinite without a time limit).
    pub deadline: Cell<f64>,
    /// Call events seen by the hook (the clock is read on every few).
    pub hook_calls: Cell<u32>,
    /// Which limit the current call reached, if any.
    pub limit_hit: Cell<Option<ErrorKind>>,
    /// Traceback of the last runtime error, written by the message handler.
    pub traceback: RefCell<String>,
    /// Warnings reach the output (Lua's `warn('@on')`; off at start, as in `lua.c`).
    pub warnings_on: Cell<bool>,
    /// The last warning piece asked to be continued.
    pub warning_continues: Cell<bool>,
    /// What `print`, `io.write` and warnings wrote, byte for byte.
    pub output: RefCell<Vec<u8>>,
    /// Errors that Rust code raised into Lua as strings during the current top-level call, to
    /// hand back unchanged when the same string object reaches the top.
    raised: RefCell<Vec<Raised>>,
    pub allocator: OwnedAllocator,
    /// Threads of async calls in progress (see `async_call.rs`), by address.
    pub async_threads: RefCell<Vec<usize>>,
    /// Async calls waiting on a future, woken when the state closes so that they fail at once.
    wakers: RefCell<Vec<std::task::Waker>>,
}

/// How many errors raised from Rust are remembered per top-level call.
const MAX_REMEMBERED: usize = 16;

/// A string object raised for an error made in Rust, anchored so its address stays unique.
struct Raised {
    object: *const c_void,
    anchor: c_int,
    error: LuaError,
}

/// The closure a protected call runs: it receives the thread with its arguments at 1..n and
/// returns how many results it left on top.
pub(crate) type ProtectedFn<'a> = dyn FnMut(*mut lua_State) -> c_int + 'a;

impl Core {
    pub fn new(allocator: OwnedAllocator, options: &crate::Options) -> Self {
        Core {
            main: Cell::new(core::ptr::null_mut()),
            current: Cell::new(core::ptr::null_mut()),
            depth: Cell::new(0),
            close_pending: Cell::new(false),
            instruction_limit: Cell::new(options.instruction_limit),
            time_limit_ms: Cell::new(options.time_limit_ms),
            trusted: options.trusted,
            budget: Cell::new(i64::MAX),
            deadline: Cell::new(f64::INFINITY),
            hook_calls: Cell::new(0),
            limit_hit: Cell::new(None),
            traceback: RefCell::new(String::new()),
            warnings_on: Cell::new(false),
            warning_continues: Cell::new(false),
            output: RefCell::new(Vec::new()),
            raised: RefCell::new(Vec::new()),
            allocator,
            async_threads: RefCell::new(Vec::new()),
            wakers: RefCell::new(Vec::new()),
        }
    }

    /// Records the freshly created main thread (its extra space already points here).
    pub fn set_main(&self, L: *mut lua_State) {
        self.main.set(L);
        self.current.set(L);
    }

    /// A new strong handle to this Core.
    pub fn rc(&self) -> std::rc::Rc<Core> {
        let pointer: *const Core = self;
        // SAFETY: every Core lives in the Rc that `Lua::with_backend` made, which outlives this
        // borrow; the count is raised before the new Rc is made from the same pointer.
        unsafe {
            std::rc::Rc::increment_strong_count(pointer);
            std::rc::Rc::from_raw(pointer)
        }
    }

    pub fn is_open(&self) -> bool {
        !self.main.get().is_null()
    }

    /// The thread Rust code runs on now.
    pub fn current(&self) -> *mut lua_State {
        self.current.get()
    }

    /// While a callback runs, Rust code works on the thread that called it.
    pub fn swap_current(&self, L: *mut lua_State) -> *mut lua_State {
        self.current.replace(L)
    }

    /// Whether Lua code is running (a call from Rust into Lua is in progress).
    pub fn is_running(&self) -> bool {
        self.depth.get() > 0
    }

    /// Starts a call from Rust into Lua. The outermost one arms the instruction limit and sends
    /// output here; each restores the stack top of the current thread when it ends.
    pub fn enter(&self) -> Result<Entry<'_>> {
        if !self.is_open() {
            return Err(LuaError::closed());
        }
        let L = self.current();
        if self.depth.get() == 0 {
            self.traceback.borrow_mut().clear();
            self.arm_limits();
        }
        self.depth.set(self.depth.get() + 1);
        // SAFETY: L is a live thread of this state.
        let top = unsafe { lua_gettop(L) };
        Ok(Entry { core: self, L, top, _redirect: output::redirect(self) })
    }

    /// As `enter`, for a step of an async call: a top-level step continues with the budget
    /// and running time the call had left (`remaining_limits` of the previous step).
    pub fn enter_resuming(&self, carried: Option<(i64, f64)>) -> Result<Entry<'_>> {
        let top_level = self.depth.get() == 0;
        let entry = self.enter()?;
        if let (true, Some((budget, milliseconds))) = (top_level, carried) {
            self.budget.set(budget);
            self.deadline.set(crate::limits::now_ms() + milliseconds);
        }
        Ok(entry)
    }

    /// The instructions and milliseconds the current call has left.
    pub fn remaining_limits(&self) -> (i64, f64) {
        let deadline = self.deadline.get();
        (self.budget.get(), if deadline.is_finite() { deadline - crate::limits::now_ms() } else { f64::INFINITY })
    }

    /// Wakes `waker` when the state closes.
    pub fn wake_at_close(&self, waker: std::task::Waker) {
        let mut wakers = self.wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(&waker)) {
            wakers.push(waker);
        }
    }

    /// The main thread (null once closed).
    pub fn main_thread(&self) -> *mut lua_State {
        self.main.get()
    }

    /// Runs `body` under `lua_pcall` on `L` with the `nargs` values on top as its arguments.
    /// On success its results (all of them when `nresults` is `LUA_MULTRET`) replace the
    /// arguments; on error the stack is back where it was below the arguments.
    ///
    /// `body` must not hold a value with a destructor across a Lua call that can raise: it runs
    /// between `setjmp` and a possible `longjmp`. Owned data stays in the caller's frame.
    pub fn protect(&self, L: *mut lua_State, nargs: c_int, nresults: c_int, body: &mut ProtectedFn<'_>) -> Result<()> {
        // SAFETY: L is a live thread with `nargs` values on top; the pushes below allocate
        // nothing once lua_checkstack succeeded, and `body` outlives the call.
        unsafe {
            if lua_checkstack(L, 2) == 0 {
                lua_settop(L, -nargs - 1);
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let mut body: &mut ProtectedFn<'_> = body;
            lua_pushcclosure(L, protected_trampoline, 0);
            lua_pushlightuserdata(L, &mut body as *mut &mut ProtectedFn<'_> as *mut c_void);
            lua_rotate(L, -nargs - 2, 2);
            self.finish_pcall(L, lua_pcallk(L, nargs + 1, nresults, 0, 0, None))
        }
    }

    /// Calls the function below the `nargs` values on top, with the traceback handler: the
    /// call of code on behalf of the user. Results as `lua_pcall` leaves them.
    pub fn call(&self, L: *mut lua_State, nargs: c_int, nresults: c_int) -> Result<()> {
        // SAFETY: L is live with a function and `nargs` arguments on top.
        unsafe {
            if lua_checkstack(L, 1) == 0 {
                lua_settop(L, -nargs - 2);
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let handler = lua_gettop(L) - nargs;
            lua_pushcclosure(L, protected::traceback_handler, 0);
            lua_rotate(L, handler, 1);
            let status = lua_pcallk(L, nargs, nresults, handler, 0, None);
            let result = self.finish_pcall(L, status);
            lua_rotate(L, handler, -1);
            lua_settop(L, -2);
            result
        }
    }

    /// The error of a failed pcall, or Ok. On error the error object is popped.
    fn finish_pcall(&self, L: *mut lua_State, status: c_int) -> Result<()> {
        if status == LUA_OK {
            return Ok(());
        }
        let error = self.error_from_top(L, status);
        // SAFETY: the error object is on top.
        unsafe { lua_settop(L, -2) };
        Err(error)
    }

    /// Builds a LuaError from the error object on top of `L` (left in place). An error that
    /// Rust code raised comes back as it was raised.
    pub fn error_from_top(&self, L: *mut lua_State, status: c_int) -> LuaError {
        // SAFETY: L is live with the error object on top; lua_topointer never raises.
        let object = unsafe { lua_topointer(L, -1) };
        // SAFETY: as above.
        if unsafe { lua_type(L, -1) } == LUA_TSTRING {
            if let Some(raised) = self.raised.borrow().iter().rev().find(|r| r.object == object) {
                let mut error = raised.error.clone();
                if error.traceback.is_empty() {
                    error.traceback = std::mem::take(&mut *self.traceback.borrow_mut());
                }
                return error;
            }
        }
        let kind = match status {
            LUA_ERRMEM => ErrorKind::Memory,
            LUA_ERRERR => ErrorKind::Handler,
            LUA_ERRSYNTAX => ErrorKind::Syntax,
            _ => self.limit_hit.get().unwrap_or(ErrorKind::Runtime),
        };
        let message = self.stringify_top(L);
        let value = self.error_value(L);
        LuaError { kind, message, traceback: std::mem::take(&mut *self.traceback.borrow_mut()), value, cause: None }
    }

    /// The value on top through `tostring` as `lua.c`'s message handler shows it: strings and
    /// numbers as they are, else `__tostring`, else "(error object is a X value)".
    fn stringify_top(&self, L: *mut lua_State) -> String {
        // SAFETY: L is live with a value on top. Strings are read without a protected call,
        // which needs memory (after LUA_ERRMEM it would fail and lose the message).
        unsafe {
            if lua_type(L, -1) == LUA_TSTRING {
                return String::from_utf8_lossy(string_bytes(L, -1)).into_owned();
            }
            let type_name = std::ffi::CStr::from_ptr(lua_typename(L, lua_type(L, -1))).to_string_lossy().into_owned();
            let fallback = format!("(error object is a {type_name} value)");
            if lua_type(L, -1) != LUA_TNUMBER && luaL_getmetafield(L, -1, c"__tostring".as_ptr()) == LUA_TNIL {
                return fallback;
            }
            if lua_type(L, -1) != LUA_TNUMBER {
                lua_settop(L, -2);
            }
            // Fresh limits for `__tostring` (the spent ones would fail it at once; none would
            // let a `__tostring` that never returns hang the error path), then the call's own
            // again, so that errors raised on purpose cannot refill the budget.
            let saved = (self.budget.get(), self.deadline.get(), self.limit_hit.get());
            self.arm_limits();
            lua_pushvalue(L, -1);
            let mut text = None;
            let result = self.protect(L, 1, 0, &mut |L| {
                let mut len = 0;
                let bytes = luaL_tolstring(L, 1, &mut len);
                text = Some(String::from_utf8_lossy(core::slice::from_raw_parts(bytes.cast(), len)).into_owned());
                0
            });
            self.budget.set(saved.0);
            self.deadline.set(saved.1);
            self.limit_hit.set(saved.2);
            self.set_hook(self.main_thread(), if saved.2.is_some() { 1 } else { self.granularity() });
            match (result, text) {
                (Ok(()), Some(text)) => text,
                _ => fallback,
            }
        }
    }

    /// The error object on top of `L` (left in place) as a [`Value`], or None when it could not
    /// be anchored. Anchoring here must not go through `protect`, whose error path comes back.
    fn error_value(&self, L: *mut lua_State) -> Option<Value> {
        // SAFETY: L is live with the error object on top; ref_top runs under lua_pcall.
        unsafe {
            if !matches!(lua_type(L, -1), LUA_TSTRING | LUA_TTABLE | LUA_TFUNCTION | LUA_TUSERDATA | LUA_TTHREAD) {
                return self.value_at(L, -1).ok();
            }
            if lua_checkstack(L, 2) == 0 {
                return None;
            }
            let pointer = lua_topointer(L, -1);
            lua_pushcclosure(L, ref_top, 0);
            lua_pushvalue(L, -2);
            if lua_pcallk(L, 1, 1, 0, 0, None) != LUA_OK {
                lua_settop(L, -2);
                return None;
            }
            let id = lua_tointegerx(L, -1, core::ptr::null_mut()) as c_int;
            lua_settop(L, -2);
            Some(LuaRef::new(self, id, pointer)).map(|r| match lua_type(L, -1) {
                LUA_TSTRING => Value::String(r.into()),
                LUA_TTABLE => Value::Table(r.into()),
                LUA_TFUNCTION => Value::Function(r.into()),
                LUA_TTHREAD => Value::Thread(r.into()),
                _ => Value::UserData(r.into()),
            })
        }
    }

    /// The value at `index` of `L` (left in place) as a [`Value`]; objects are anchored in the
    /// registry (which can fail for lack of memory).
    pub fn value_at(&self, L: *mut lua_State, index: c_int) -> Result<Value> {
        // SAFETY: L is live and `index` valid; reading primitives never raises.
        unsafe {
            Ok(match lua_type(L, index) {
                LUA_TNIL | LUA_TNONE => Value::Nil,
                LUA_TBOOLEAN => Value::Boolean(lua_toboolean(L, index) != 0),
                LUA_TNUMBER if lua_isinteger(L, index) != 0 => Value::Integer(lua_tointegerx(L, index, core::ptr::null_mut())),
                LUA_TNUMBER => Value::Number(lua_tonumberx(L, index, core::ptr::null_mut())),
                LUA_TLIGHTUSERDATA => Value::LightUserData(lua_touserdata(L, index)),
                kind => {
                    lua_pushvalue(L, index);
                    let reference = self.anchor_top(L)?;
                    match kind {
                        LUA_TSTRING => Value::String(reference.into()),
                        LUA_TTABLE => Value::Table(reference.into()),
                        LUA_TFUNCTION => Value::Function(reference.into()),
                        LUA_TTHREAD => Value::Thread(reference.into()),
                        _ => Value::UserData(reference.into()),
                    }
                }
            })
        }
    }

    /// Pops the value on top of `L` into the registry and returns its handle.
    pub fn anchor_top(&self, L: *mut lua_State) -> Result<LuaRef> {
        // SAFETY: L is live with a value on top, which lua_topointer reads without raising.
        let pointer = unsafe { lua_topointer(L, -1) };
        let mut id = LUA_NOREF;
        self.protect(L, 1, 0, &mut |L| {
            // SAFETY: the value is argument 1; luaL_ref pops it.
            id = unsafe { luaL_ref(L, LUA_REGISTRYINDEX) };
            0
        })?;
        Ok(LuaRef::new(self, id, pointer))
    }

    /// Pushes the object of `reference` onto `L`.
    pub fn push_ref(&self, L: *mut lua_State, reference: &LuaRef) -> Result<()> {
        // SAFETY: L is live; lua_checkstack does not raise (it reports failure).
        if unsafe { lua_checkstack(L, 1) } == 0 {
            return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
        }
        reference.push(self, L)
    }

    /// The values at `first..=top` of `L` (left in place).
    pub fn values_from(&self, L: *mut lua_State, first: c_int) -> Result<crate::MultiValue> {
        // SAFETY: L is live.
        let top = unsafe { lua_gettop(L) };
        (first..=top).map(|index| self.value_at(L, index)).collect()
    }

    /// Pushes `value` onto `L`. Pushing never raises: objects come from the registry.
    pub fn push_value(&self, L: *mut lua_State, value: &Value) -> Result<()> {
        // SAFETY: L is live; lua_checkstack does not raise (it reports failure).
        if unsafe { lua_checkstack(L, 1) } == 0 {
            return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
        }
        // SAFETY: a slot was reserved; these pushes allocate nothing.
        unsafe {
            match value {
                Value::Nil => lua_pushnil(L),
                Value::Boolean(b) => lua_pushboolean(L, c_int::from(*b)),
                Value::Integer(n) => lua_pushinteger(L, *n),
                Value::Number(n) => lua_pushnumber(L, *n),
                Value::LightUserData(p) => lua_pushlightuserdata(L, *p),
                Value::String(s) => s.reference().push(self, L)?,
                Value::Table(t) => t.reference().push(self, L)?,
                Value::Function(f) => f.reference().push(self, L)?,
                Value::Thread(t) => t.reference().push(self, L)?,
                Value::UserData(u) => u.reference().push(self, L)?,
            }
        }
        Ok(())
    }

    /// Pushes `bytes` as a Lua string and anchors it.
    pub fn create_string(&self, L: *mut lua_State, bytes: &[u8]) -> Result<LuaRef> {
        self.protect(L, 0, 1, &mut |L| {
            // SAFETY: the bytes are valid for their length; Lua copies them.
            unsafe { lua_pushlstring(L, bytes.as_ptr().cast(), bytes.len()) };
            1
        })?;
        self.anchor_top(L)
    }

    /// Pushes an error object for `error` onto `L`, to be raised by the caller once no Rust
    /// frame with a destructor is left: the original object when the error came from Lua,
    /// else its message, remembered so that the error comes back unchanged.
    pub fn push_error(&self, L: *mut lua_State, error: LuaError) {
        if let Some(value) = &error.value {
            if self.push_value(L, value).is_ok() {
                // SAFETY: the value was pushed.
                if unsafe { lua_type(L, -1) } == LUA_TSTRING {
                    self.remember_raised(L, error);
                }
                return;
            }
        }
        let message = error.message.as_bytes();
        let pushed = self.protect(L, 0, 1, &mut |L| {
            // SAFETY: the message bytes are valid for their length; Lua copies them.
            unsafe { lua_pushlstring(L, message.as_ptr().cast(), message.len()) };
            1
        });
        if pushed.is_err() {
            // SAFETY: Lua's own memory-error message is interned for the state's whole life, so
            // pushing it allocates nothing; lua_checkstack reserved a slot in `protect`. It is
            // shared by every memory error, so it is not remembered as this one.
            unsafe { lua_pushstring(L, c"not enough memory".as_ptr()) };
            return;
        }
        self.remember_raised(L, error);
    }

    /// Remembers that the string on top of `L` stands for `error`.
    fn remember_raised(&self, L: *mut lua_State, error: LuaError) {
        // SAFETY: L is live with a string on top.
        let object = unsafe { lua_topointer(L, -1) };
        // SAFETY: as above; the copy is anchored (popped by luaL_ref in the protected call).
        unsafe { lua_pushvalue(L, -1) };
        let mut anchor = LUA_NOREF;
        let anchored = self.protect(L, 1, 0, &mut |L| {
            // SAFETY: the copy is argument 1.
            anchor = unsafe { luaL_ref(L, LUA_REGISTRYINDEX) };
            0
        });
        if anchored.is_ok() {
            let mut raised = self.raised.borrow_mut();
            // Only recent errors can still be on their way up; a loop catching errors raised
            // from Rust must not pile them up.
            if raised.len() == MAX_REMEMBERED {
                let oldest = raised.remove(0);
                self.unref(oldest.anchor);
            }
            raised.push(Raised { object, anchor, error });
        }
    }

    /// Releases a registry slot (never raises: the slots it touches exist).
    pub fn unref(&self, id: c_int) {
        let L = self.current();
        if L.is_null() {
            return;
        }
        // SAFETY: L is live; luaL_unref writes only existing registry slots, after
        // lua_checkstack reserved the one slot it pushes.
        unsafe {
            if lua_checkstack(L, 2) != 0 {
                luaL_unref(L, LUA_REGISTRYINDEX, id);
            }
        }
    }

    /// Closes the state (running `__gc` finalizers with output still sent here), then frees the
    /// allocator. Idempotent.
    pub fn close(&self) {
        let L = self.main.get();
        if L.is_null() {
            return;
        }
        if self.is_running() {
            self.close_pending.set(true);
            return;
        }
        self.raised.borrow_mut().clear();
        {
            // Finalizers run now, under fresh limits, with their output here.
            self.arm_limits();
            let _redirect = output::redirect(self);
            self.depth.set(self.depth.get() + 1);
            // SAFETY: L is the live main thread, closed once (main is cleared below).
            unsafe { lua_close(L) };
            self.depth.set(self.depth.get() - 1);
        }
        self.main.set(core::ptr::null_mut());
        self.current.set(core::ptr::null_mut());
        for waker in std::mem::take(&mut *self.wakers.borrow_mut()) {
            waker.wake();
        }
    }
}

/// A call from Rust into Lua in progress (see [`Core::enter`]).
pub(crate) struct Entry<'a> {
    core: &'a Core,
    pub L: *mut lua_State,
    /// The stack top when the call began, restored when it ends.
    pub top: c_int,
    _redirect: output::Redirect,
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        let core = self.core;
        if core.is_open() {
            // SAFETY: L is live; the stack above `top` belongs to this call.
            unsafe { lua_settop(self.L, self.top) };
        }
        core.depth.set(core.depth.get() - 1);
        if core.depth.get() == 0 {
            let raised = std::mem::take(&mut *core.raised.borrow_mut());
            for r in raised {
                core.unref(r.anchor);
            }
            if core.close_pending.take() {
                core.close();
            }
        }
    }
}

/// The C function `Core::protect` calls under `lua_pcall`: argument 1 is a light userdata
/// pointing to the `&mut ProtectedFn`, the rest are the body's arguments.
unsafe extern "C-unwind" fn protected_trampoline(L: *mut lua_State) -> c_int {
    // SAFETY: `Core::protect` passes a pointer to its live `&mut ProtectedFn`. Only references
    // live in this frame, so a longjmp out of the body skips nothing with a destructor.
    unsafe {
        let body = &mut **(lua_touserdata(L, 1) as *mut &mut ProtectedFn<'_>);
        lua_rotate(L, 1, -1);
        lua_settop(L, -2);
        body(L)
    }
}

/// Anchors argument 1 in the registry and returns the reference (for `Core::error_value`).
unsafe extern "C-unwind" fn ref_top(L: *mut lua_State) -> c_int {
    // SAFETY: L is live with one argument, which luaL_ref pops.
    unsafe {
        let id = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushinteger(L, lua_Integer::from(id));
    }
    1
}

/// The bytes of the string at `index` (no conversion: the value must be a string).
///
/// # Safety
/// L is live and the value at `index` is a string, which stays alive while the slice is used.
pub(crate) unsafe fn string_bytes<'a>(L: *mut lua_State, index: c_int) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: the caller guarantees a string, for which lua_tolstring converts nothing.
    unsafe {
        let text = lua_tolstring(L, index, &mut len);
        core::slice::from_raw_parts(text.cast(), len)
    }
}

/// The closing of the allocator comes after the state's: see `Lua`'s Drop.
impl Drop for Core {
    fn drop(&mut self) {
        self.close();
    }
}

/// The `Core` of a state created by `Lua`.
///
/// # Safety
/// `L` is a thread of a state created by `Lua`, whose extra space points to its live Core.
pub(crate) unsafe fn core_of<'a>(L: *mut lua_State) -> &'a Core {
    // SAFETY: `Lua::with_backend` stores `Rc::as_ptr` of the Core, which outlives the state.
    unsafe { &**(lua_getextraspace(L) as *const *const Core) }
}
