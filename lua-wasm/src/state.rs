#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! [`Core`]: what one Lua state shares with every handle to it (tables, functions, callbacks)
//! and with the C hooks that reach it through `lua_getextraspace`. Every field is a `Cell` or
//! `RefCell`: Rust code and C callbacks interleave on one thread, and nothing here is ever
//! borrowed across a call into Lua. Protected calls are in `protect.rs`, values on the stack in
//! `stack.rs`, errors crossing between Lua and Rust in `error_bridge.rs`.
//!

use crate::allocator::OwnedAllocator;
use crate::error::{ErrorKind, LuaError, Result};
use crate::output;
use core::ffi::c_int;
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
    /// The limit hook is set on every thread (see `limits.rs`).
    pub hooked: Cell<bool>,
    /// Which limit the current call reached, if any.
    pub limit_hit: Cell<Option<ErrorKind>>,
    /// Traceback of the last runtime error, written by the message handler.
    pub traceback: RefCell<String>,
    /// Warnings reach the output (Lua's `warn('@on')`; off at start, as in `lua.c`).
    pub warnings_on: Cell<bool>,
    /// The last warning piece asked to be continued.
    pub warning_continues: Cell<bool>,
    /// What `print` and `io.write` wrote to standard output, byte for byte.
    pub output: RefCell<Vec<u8>>,
    /// What `io.stderr` and warnings wrote to standard error.
    pub error_output: RefCell<Vec<u8>>,
    /// Where standard output and error go instead of the buffers, when set.
    pub sinks: [RefCell<Option<Box<OutputSink>>>; 2],
    /// Counts the changes of each sink (a sink that sets another while it runs is not put back).
    pub sink_changes: [Cell<u32>; 2],
    /// The files, standard input and environment of the state (see `fs`). Emptied when the
    /// state closes, before the allocator that holds their bytes.
    pub files: crate::fs::Files,
    /// When the state was made (`now_ms` scale): `os.clock` counts from here on wasm32.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub started_ms: f64,
    /// Hooks scripts set with `debug.sethook`, by thread address (see `debug_hook.rs`).
    pub script_hooks: RefCell<Vec<(usize, crate::debug_hook::ScriptHook)>>,
    /// Lua's hook dispatcher (`hookf` of ldblib.c), learnt on the first `debug.sethook`.
    pub script_dispatch: Cell<Option<lua_Hook>>,
    /// Lua's functions that the sandbox wraps (see `sandbox.rs`).
    pub originals: crate::sandbox::Originals,
    /// Errors that Rust code raised into Lua as strings during the current top-level call, to
    /// hand back unchanged when the same string object reaches the top.
    pub(crate) raised: RefCell<Vec<crate::error_bridge::Raised>>,
    pub allocator: OwnedAllocator,
    /// Threads of async calls in progress (see `async_call.rs`), by address.
    pub async_threads: RefCell<Vec<usize>>,
    /// Async calls waiting on a future, woken when the state closes so that they fail at once.
    wakers: RefCell<Vec<std::task::Waker>>,
}

/// Receives what a state writes to one standard stream, chunk by chunk.
pub(crate) type OutputSink = dyn FnMut(&[u8]);

impl Core {
    pub fn new(allocator: OwnedAllocator, options: &crate::Options) -> Self {
        let files = crate::fs::Files::new(allocator.lua_alloc());
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
            hooked: Cell::new(false),
            limit_hit: Cell::new(None),
            traceback: RefCell::new(String::new()),
            warnings_on: Cell::new(false),
            warning_continues: Cell::new(false),
            output: RefCell::new(Vec::new()),
            error_output: RefCell::new(Vec::new()),
            sinks: [RefCell::new(None), RefCell::new(None)],
            sink_changes: [Cell::new(0), Cell::new(0)],
            files,
            started_ms: crate::limits::now_ms(),
            script_hooks: RefCell::new(Vec::new()),
            script_dispatch: Cell::new(None),
            originals: Default::default(),
            raised: RefCell::new(Vec::new()),
            allocator,
            async_threads: RefCell::new(Vec::new()),
            wakers: RefCell::new(Vec::new()),
        }
    }

    /// Writes to standard output (`fd` 1) or error (2): to the sink if one is set, else to the
    /// buffer. A sink may call back into the state; it is taken out while it runs (what it
    /// writes meanwhile goes to the buffer).
    pub fn write_stream(&self, fd: i32, bytes: &[u8]) {
        let index = usize::from(fd == 2);
        let sink = self.sinks[index].borrow_mut().take();
        match sink {
            Some(mut sink) => {
                let changes = self.sink_changes[index].get();
                sink(bytes);
                if self.sink_changes[index].get() == changes {
                    *self.sinks[index].borrow_mut() = Some(sink);
                }
            }
            None if fd == 2 => self.error_output.borrow_mut().extend_from_slice(bytes),
            None => self.output.borrow_mut().extend_from_slice(bytes),
        }
    }

    /// Sets (or, with None, removes) the sink of standard output (`fd` 1) or error (2).
    pub fn set_sink(&self, fd: i32, sink: Option<Box<OutputSink>>) {
        let index = usize::from(fd == 2);
        self.sink_changes[index].set(self.sink_changes[index].get().wrapping_add(1));
        *self.sinks[index].borrow_mut() = sink;
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
        // Every stream on a file was closed with the state; the files' bytes go back now.
        self.files.clear();
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
