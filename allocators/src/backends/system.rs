//! libc's `realloc`/`free`: what Lua uses by default (`l_alloc` in `lauxlib.c`). Native only.

use core::alloc::Layout;
use core::ffi::c_void;
use core::ptr::NonNull;

use crate::{Backend, LUA_MAX_ALIGN};

unsafe extern "C" {
    fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
}

/// The C library's allocator, exactly as Lua's own `l_alloc` uses it: the reference the other
/// backends are measured against. `malloc` aligns to `alignof(max_align_t)` (16 on x86_64 and
/// aarch64 glibc), which meets [`LUA_MAX_ALIGN`]; larger alignments fail. Its footprint is not
/// observable and reported as zero.
#[derive(Clone, Copy, Debug, Default)]
pub struct System;

impl System {
    /// The C library's allocator.
    pub const fn new() -> Self {
        System
    }
}

// SAFETY: libc returns blocks aligned for any fundamental type (>= LUA_MAX_ALIGN; larger
// alignments are refused), disjoint while live; `realloc` preserves `min(old, new)` bytes and
// returns null on failure leaving the block untouched. A shrinking `realloc` that returns null
// (allowed by C, never seen in practice) keeps the old, large enough, block.
unsafe impl Backend for System {
    fn name(&self) -> &'static str {
        "system"
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        if layout.align() > LUA_MAX_ALIGN {
            return None;
        }
        // SAFETY: `realloc(NULL, n)` is `malloc(n)`.
        NonNull::new(unsafe { realloc(core::ptr::null_mut(), layout.size()) }.cast())
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from this backend, i.e. from libc.
        unsafe { free(ptr.as_ptr().cast()) }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: the caller guarantees `ptr` came from libc and is live.
        match NonNull::new(unsafe { realloc(ptr.as_ptr().cast(), new_size) }.cast()) {
            None if new_size <= old.size() => Some(ptr),
            p => p,
        }
    }
}
