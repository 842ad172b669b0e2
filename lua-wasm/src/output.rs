//! Where a state's output goes: the buffer of the state that is running. `print` is replaced
//! by one that appends here; on wasm32, `io.write`, `io.stdout:write` and warnings reach it
//! through the libc shim's standard streams.

use std::cell::Cell;
use std::ptr;

thread_local! {
    static CURRENT: Cell<*mut Vec<u8>> = const { Cell::new(ptr::null_mut()) };
}

/// While alive, standard output and error of the C side land in one buffer.
pub(crate) struct Redirect {
    previous: *mut Vec<u8>,
}

/// Sends standard output to `buffer` until the returned guard is dropped.
///
/// The caller keeps `buffer` alive and does not otherwise touch it while the guard lives, except
/// through the state whose call the guard covers (which uses the same raw pointer).
pub(crate) fn redirect(buffer: *mut Vec<u8>) -> Redirect {
    install_hook();
    Redirect { previous: CURRENT.replace(buffer) }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        CURRENT.set(self.previous);
    }
}

fn install_hook() {
    #[cfg(target_arch = "wasm32")]
    lua_sys::host::set_output_hook(append_to_current);
}

/// Appends to the current buffer (dropped when no state is running).
pub(crate) fn append_to_current(_fd: i32, bytes: &[u8]) {
    let buffer = CURRENT.get();
    if !buffer.is_null() {
        // SAFETY: `redirect`'s caller keeps the buffer alive while it is current, and the shim
        // calls this hook only from inside that state's call, when nothing else borrows it.
        unsafe { (*buffer).extend_from_slice(bytes) };
    }
}
