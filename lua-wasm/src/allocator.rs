//! The allocator stack under every state: the backend chosen by cargo feature (see
//! `backend.rs`), wrapped in a memory limit and in statistics, behind one
//! type-erased owner so that [`crate::Lua`] is not generic over the backend. Only the
//! `lua_Alloc` trampoline, which Lua calls on every allocation, sees the concrete type.
//! Statistics sit outside the limit so that refused requests are counted as failures.

use core::any::Any;
use core::ffi::c_void;
use core::ptr::NonNull;
use lua_allocators::{AllocStats, Backend, Footprint, Limit, Stats};
use lua_sys::ffi::lua_Alloc;
use lua_sys::trampoline::lua_alloc;

pub use crate::backend::SelectedBackend;

/// What a state allocates through.
type StateAllocator<B> = Stats<Limit<B>>;

/// What the rest of the crate asks of a state's allocator, whatever its backend.
trait ErasedAllocator {
    fn name(&self) -> &'static str;
    fn stats(&self) -> AllocStats;
    fn footprint(&self) -> Footprint;
    fn limit(&self) -> usize;
    fn set_limit(&mut self, bytes: usize);
    fn backend(&self) -> &dyn Any;
}

impl<B: Backend + 'static> ErasedAllocator for StateAllocator<B> {
    fn name(&self) -> &'static str {
        Backend::name(self)
    }
    fn stats(&self) -> AllocStats {
        Stats::stats(self)
    }
    fn footprint(&self) -> Footprint {
        Backend::footprint(self)
    }
    fn limit(&self) -> usize {
        self.inner().limit()
    }
    fn set_limit(&mut self, bytes: usize) {
        self.inner_mut().set_limit(bytes)
    }
    fn backend(&self) -> &dyn Any {
        self.inner().inner()
    }
}

/// Owns one state's allocator through a raw pointer, because Lua holds the same pointer as its
/// `lua_Alloc` userdata for the state's whole life: a `Box` written through while Lua holds a
/// pointer derived from it would invalidate that pointer under Rust's aliasing rules. Every
/// access here makes a short-lived reference from the one raw pointer, never while Lua is inside
/// the allocator (Lua does not call out of `lua_Alloc`).
pub(crate) struct OwnedAllocator {
    raw: NonNull<dyn ErasedAllocator>,
    function: lua_Alloc,
}

impl OwnedAllocator {
    /// A fresh allocator stack over `backend` with a memory limit (0: none).
    pub fn new<B: Backend + 'static>(backend: B, limit: usize) -> Self {
        let allocator: Box<StateAllocator<B>> = Box::new(Stats::new(Limit::new(backend, limit)));
        let raw: NonNull<dyn ErasedAllocator> = NonNull::from(Box::leak(allocator));
        OwnedAllocator { raw, function: lua_alloc::<StateAllocator<B>> }
    }

    /// The `lua_Alloc` function and userdata for `lua_newstate`.
    pub fn lua_alloc(&self) -> (lua_Alloc, *mut c_void) {
        (self.function, self.raw.as_ptr() as *mut c_void)
    }

    fn get(&self) -> &dyn ErasedAllocator {
        // SAFETY: `raw` came from a leaked Box freed only in Drop; see the type's docs.
        unsafe { self.raw.as_ref() }
    }

    pub fn name(&self) -> &'static str {
        self.get().name()
    }
    pub fn stats(&self) -> AllocStats {
        self.get().stats()
    }
    pub fn footprint(&self) -> Footprint {
        self.get().footprint()
    }
    pub fn limit(&self) -> usize {
        self.get().limit()
    }
    pub fn set_limit(&self, bytes: usize) {
        // SAFETY: as in `get`; Lua is not inside the allocator while Rust runs.
        unsafe { (*self.raw.as_ptr()).set_limit(bytes) }
    }
    pub fn backend(&self) -> &dyn Any {
        self.get().backend()
    }
}

impl Drop for OwnedAllocator {
    fn drop(&mut self) {
        // SAFETY: `raw` came from Box::leak in `new`; the state that used it is closed before
        // its owner drops this (see `Core::close`).
        drop(unsafe { Box::from_raw(self.raw.as_ptr()) });
    }
}
