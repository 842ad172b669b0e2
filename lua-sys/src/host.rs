//! What Lua's sandboxed libc asks of the program that embeds it: where standard output and
//! standard error go, and what time it is. On wasm32 the shim calls these hooks; natively the
//! real libc is used and the hooks are never called.
//!
//! Hooks are per thread (a wasm module has one thread); unset hooks discard output and report
//! time 0.

use std::cell::Cell;

/// Receives bytes written to a standard stream: `fd` is 1 for stdout, 2 for stderr.
pub type OutputHook = fn(fd: i32, bytes: &[u8]);

/// Milliseconds: wall clock since the Unix epoch, or a monotonic clock for `os.clock`.
pub type ClockHook = fn() -> f64;

thread_local! {
    static OUTPUT: Cell<Option<OutputHook>> = const { Cell::new(None) };
    static WALL_CLOCK: Cell<Option<ClockHook>> = const { Cell::new(None) };
    static CPU_CLOCK: Cell<Option<ClockHook>> = const { Cell::new(None) };
}

/// Sets where stdout/stderr writes go.
pub fn set_output_hook(hook: OutputHook) {
    OUTPUT.set(Some(hook));
}

/// Sets the clocks behind `time()` (wall) and `clock()` (CPU time, approximated by a
/// monotonic clock).
pub fn set_clock_hooks(wall_ms: ClockHook, cpu_ms: ClockHook) {
    WALL_CLOCK.set(Some(wall_ms));
    CPU_CLOCK.set(Some(cpu_ms));
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn write_output(fd: i32, bytes: &[u8]) {
    if let Some(hook) = OUTPUT.get() {
        hook(fd, bytes);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn wall_clock_ms() -> f64 {
    WALL_CLOCK.get().map_or(0.0, |hook| hook())
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn cpu_clock_ms() -> f64 {
    CPU_CLOCK.get().map_or(0.0, |hook| hook())
}
