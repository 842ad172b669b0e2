//! Where a state's output goes: the buffer of the state that is running. `print` is replaced
//! by one that appends here; on wasm32, `io.write`, `io.stdout:write` and warnings reach it
//! through the libc shim's standard streams.

use crate::state::Core;
use std::cell::Cell;
use std::ptr;

thread_local! {
    static CURRENT: Cell<*const Core> = const { Cell::new(ptr::null()) };
}

/// While alive, standard output and error of the C side land in one state's buffer.
pub(crate) struct Redirect {
    previous: *const Core,
}

/// Sends standard output to `core`'s buffer until the returned guard is dropped. The caller
/// keeps `core` alive while the guard lives.
pub(crate) fn redirect(core: &Core) -> Redirect {
    install_hook();
    Redirect { previous: CURRENT.replace(core) }
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

/// Appends to the current state's buffer (dropped when no state is running).
pub(crate) fn append_to_current(_fd: i32, bytes: &[u8]) {
    let core = CURRENT.get();
    if !core.is_null() {
        // SAFETY: `redirect`'s caller keeps the Core alive while it is current; the buffer is
        // borrowed only here and by `Lua::take_output*`, which never runs inside a write.
        unsafe { (*core).output.borrow_mut().extend_from_slice(bytes) };
    }
}
