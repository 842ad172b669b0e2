//! A memory limit.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{Backend, Footprint};

/// Refuses (returns `None` for) any request that would take live bytes above the limit. The
/// limit can change at run time; lowering it below the live size makes growth fail, never
/// shrinking or freeing.
#[derive(Debug, Default)]
pub struct Limit<B> {
    inner: B,
    limit: usize,
    live: usize,
}

impl<B: Backend> Limit<B> {
    /// Wraps `inner` with a limit of `limit` live bytes (0 = none).
    pub const fn new(inner: B, limit: usize) -> Self {
        Self {
            inner,
            limit,
            live: 0,
        }
    }

    /// Changes the limit (0 = none).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The limit (0 = none).
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Live bytes as counted here.
    pub fn live_bytes(&self) -> usize {
        self.live
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    /// The wrapped backend, mutably.
    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    fn allows(&self, live: Option<usize>) -> bool {
        live.is_some_and(|live| self.limit == 0 || live <= self.limit)
    }
}

// SAFETY: requests are forwarded unchanged to `inner` or refused with `None`; shrinking is always
// forwarded.
unsafe impl<B: Backend> Backend for Limit<B> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_tagged(layout, 0)
    }

    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        if !self.allows(self.live.checked_add(layout.size())) {
            return None;
        }
        let p = self.inner.allocate_tagged(layout, tag)?;
        self.live += layout.size();
        Some(p)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.deallocate(ptr, layout) };
        self.live -= layout.size();
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        if new_size > old.size() && !self.allows((self.live - old.size()).checked_add(new_size)) {
            return None;
        }
        // SAFETY: forwarded from the caller.
        let p = unsafe { self.inner.reallocate(ptr, old, new_size) }?;
        self.live = self.live - old.size() + new_size;
        Some(p)
    }

    fn footprint(&self) -> Footprint {
        self.inner.footprint()
    }
}
