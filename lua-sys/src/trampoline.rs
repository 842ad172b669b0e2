//! The `lua_Alloc` function handed to `lua_newstate`: every allocation of a Lua state becomes a
//! call on the state's [`Backend`].

use core::alloc::Layout;
use core::ffi::c_void;
use core::ptr::{self, NonNull};
use lua_allocators::{Backend, LUA_MAX_ALIGN};

/// `lua_Alloc` for a state whose userdata pointer is a `*mut B`.
///
/// Follows the 5.4 manual, §4.6: with `ptr == NULL`, `osize` is an object-type tag, not a
/// size; `nsize == 0` frees; failure returns NULL (Lua then collects and retries once).
///
/// # Safety
/// `ud` points to a live `B` used by no one else during the call, and `ptr`/`osize` describe a
/// block this function returned earlier for the same `ud`, as Lua guarantees.
pub unsafe extern "C" fn lua_alloc<B: Backend>(
    ud: *mut c_void,
    ptr: *mut c_void,
    osize: usize,
    nsize: usize,
) -> *mut c_void {
    // SAFETY: the caller guarantees `ud` is an exclusive `*mut B`.
    let backend = unsafe { &mut *(ud as *mut B) };
    let Some(block) = NonNull::new(ptr as *mut u8) else {
        if nsize == 0 {
            return ptr::null_mut(); // (NULL, tag, 0): nothing to do, the frequent fast path
        }
        return match Layout::from_size_align(nsize, LUA_MAX_ALIGN) {
            Ok(layout) => backend.allocate_tagged(layout, osize).map_or(ptr::null_mut(), |p| p.as_ptr().cast()),
            Err(_) => ptr::null_mut(),
        };
    };
    // SAFETY: Lua passes the exact size it asked for, so this is the layout of the allocation.
    let old = unsafe { Layout::from_size_align_unchecked(osize, LUA_MAX_ALIGN) };
    if nsize == 0 {
        // SAFETY: `block` was allocated by this backend with `old`, and Lua drops it now.
        unsafe { backend.deallocate(block, old) };
        return ptr::null_mut();
    }
    if Layout::from_size_align(nsize, LUA_MAX_ALIGN).is_err() {
        return ptr::null_mut();
    }
    // SAFETY: as above; on failure Lua keeps using the old block, which stays valid.
    unsafe { backend.reallocate(block, old, nsize) }.map_or(ptr::null_mut(), |p| p.as_ptr().cast())
}
