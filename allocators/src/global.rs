//! A backend as the Rust global allocator, so a wasm module links one allocator only.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{self, NonNull};

use crate::Backend;
use crate::lock::Lock;

/// Makes a backend the `#[global_allocator]`:
///
/// ```ignore
/// #[global_allocator]
/// static ALLOC: lua_allocators::GlobalBackend<lua_allocators::Talc> = lua_allocators::GlobalBackend::new();
/// ```
///
/// The backend is constructed (with `Default`) on first use. Layouts are passed through, so any
/// alignment the backend supports works. Meant for single-threaded wasm, where the lock is a
/// plain cell (see `Sync` below); elsewhere it is a spin lock. The backend must not itself use
/// the global allocator (the one decorator that does, `Trace`, must not be wrapped): re-entry
/// panics on wasm and deadlocks elsewhere.
pub struct GlobalBackend<B> {
    backend: Lock<Option<B>>,
}

// `GlobalBackend` is `Sync` through `Lock`: on wasm32 without atomics there is one thread and the
// cell is never borrowed twice (re-entry is checked); elsewhere the lock is a real spin lock.
// `B: Send` is required because whichever thread allocates first constructs it.

impl<B> GlobalBackend<B> {
    /// A global allocator whose backend is built on first use.
    pub const fn new() -> Self {
        Self {
            backend: Lock::new(None),
        }
    }
}

impl<B: Backend + Default> GlobalBackend<B> {
    fn with<R>(&self, f: impl FnOnce(&mut B) -> R) -> R {
        self.backend.with(|b| f(b.get_or_insert_with(B::default)))
    }

    /// Memory the backend holds (zero before first use).
    pub fn footprint(&self) -> crate::Footprint {
        self.with(|b| b.footprint())
    }
}

impl<B: Backend + Default> Default for GlobalBackend<B> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: the backend's `Backend` guarantees (aligned to the layout, disjoint, `min` bytes kept on
// reallocation, null on failure) are exactly `GlobalAlloc`'s; access is serialised by `Lock`.
unsafe impl<B: Backend + Default + Send> GlobalAlloc for GlobalBackend<B> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `GlobalAlloc` callers guarantee a non-zero size, as `Backend::allocate` requires.
        self.with(|b| b.allocate(layout))
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: `ptr` was allocated here with `layout` (the `GlobalAlloc` contract).
            self.with(|b| unsafe { b.deallocate(ptr, layout) })
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(ptr) = NonNull::new(ptr) else {
            return ptr::null_mut();
        };
        // SAFETY: `ptr` was allocated here with `layout`; `new_size > 0` (the `GlobalAlloc`
        // contract).
        self.with(|b| unsafe { b.reallocate(ptr, layout, new_size) })
            .map_or(ptr::null_mut(), NonNull::as_ptr)
    }
}

#[cfg(all(test, feature = "talc"))]
mod tests {
    use super::*;

    #[test]
    fn works_as_a_global_alloc() {
        static A: GlobalBackend<crate::Talc> = GlobalBackend::new();
        let big = Layout::from_size_align(100, 4096).unwrap();
        // SAFETY: non-zero layouts; blocks freed with their layouts.
        unsafe {
            let p = A.alloc(big);
            assert!(!p.is_null() && p as usize % 4096 == 0);
            p.write_bytes(1, 100);
            let q = A.realloc(p, big, 10_000);
            assert!(q as usize % 4096 == 0 && *q.add(99) == 1);
            A.dealloc(q, Layout::from_size_align(10_000, 4096).unwrap());
        }
        assert!(A.footprint().heap_bytes > 0);
    }
}
