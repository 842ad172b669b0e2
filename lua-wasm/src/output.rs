//! The state that is running, as the C side sees it: its standard output and error (`print`,
//! `io.write`, `io.stderr`, warnings) and its files (see `fs`). Each goes to the state's
//! buffers, or to the sink set with `Lua::on_stdout`/`on_stderr`.

use crate::state::Core;
use std::cell::Cell;
use std::ptr;

thread_local! {
    static CURRENT: Cell<*const Core> = const { Cell::new(ptr::null()) };
}

/// While alive, the C side's standard streams and files are one state's.
pub(crate) struct Redirect {
    previous: *const Core,
}

/// Makes `core` the running state until the returned guard is dropped. The caller keeps `core`
/// alive while the guard lives.
pub(crate) fn redirect(core: &Core) -> Redirect {
    install_hooks();
    let previous = CURRENT.replace(core);
    if !core::ptr::eq(previous, core) {
        leave_stdin(previous);
    }
    Redirect { previous }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        let current = CURRENT.replace(self.previous);
        if !core::ptr::eq(current, self.previous) {
            leave_stdin(current);
        }
    }
}

/// C's stdin is per thread: when `core` stops being the running state, a byte it pushed back
/// goes back to its own standard input.
fn leave_stdin(core: *const Core) {
    if lua_sys::host::reset_standard_input() && !core.is_null() {
        // SAFETY: `core` was the running state a moment ago; its owner keeps it alive while its
        // Redirect lives, and a state that is closing is still alive here.
        unsafe { (*core).files.unread_stdin() };
    }
}

/// The running state's Core, or null.
pub(crate) fn running() -> *const Core {
    CURRENT.get()
}

fn install_hooks() {
    lua_sys::host::set_output_hook(append_to_current);
    lua_sys::host::set_file_system_hook(crate::fs::running);
}

/// The clocks of Lua's C library on wasm32 (natively the C library has its own): `time` is
/// the host's wall clock, `clock` (`os.clock`) the milliseconds since the running state was
/// made (no engine gives wasm its processor time).
pub(crate) fn install_clocks() {
    #[cfg(target_arch = "wasm32")]
    {
        fn wall_ms() -> f64 {
            js_sys::Date::now()
        }
        fn since_start_ms() -> f64 {
            let core = CURRENT.get();
            let started = if core.is_null() {
                0.0
            } else {
                // SAFETY: a current Core is alive (see `redirect`).
                unsafe { (*core).started_ms }
            };
            crate::limits::now_ms() - started
        }
        lua_sys::host::set_clock_hooks(wall_ms, since_start_ms);
    }
}

/// Writes to the current state's standard output (`fd` 1) or error (2); dropped when no state
/// is running.
pub(crate) fn append_to_current(fd: i32, bytes: &[u8]) {
    let core = CURRENT.get();
    if !core.is_null() {
        // SAFETY: `redirect`'s caller keeps the Core alive while it is current.
        unsafe { (*core).write_stream(fd, bytes) };
    }
}
