//! Failure injection.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{Backend, Footprint};

/// Which allocating requests (allocations and growing reallocations, counted from 1) fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailMode {
    /// None.
    #[default]
    Never,
    /// Exactly the Nth.
    Nth(u64),
    /// Every one after the first N.
    AfterN(u64),
}

/// Makes chosen allocating requests fail, to test the caller's out-of-memory paths. Frees and
/// shrinks always pass.
#[derive(Debug, Default)]
pub struct FailAfter<B> {
    inner: B,
    mode: FailMode,
    requests: u64,
}

impl<B: Backend> FailAfter<B> {
    /// Wraps `inner`, failing by `mode`.
    pub const fn new(inner: B, mode: FailMode) -> Self {
        Self {
            inner,
            mode,
            requests: 0,
        }
    }

    /// Changes the mode and restarts the count.
    pub fn set_mode(&mut self, mode: FailMode) {
        (self.mode, self.requests) = (mode, 0);
    }

    /// Allocating requests counted since the mode was set.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    /// Counts one allocating request; true if it is to fail.
    fn fails(&mut self) -> bool {
        self.requests += 1;
        match self.mode {
            FailMode::Never => false,
            FailMode::Nth(n) => self.requests == n,
            FailMode::AfterN(n) => self.requests > n,
        }
    }
}

// SAFETY: requests are forwarded unchanged to `inner` or refused with `None`; shrinking is always
// forwarded.
unsafe impl<B: Backend> Backend for FailAfter<B> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_tagged(layout, 0)
    }

    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        if self.fails() {
            return None;
        }
        self.inner.allocate_tagged(layout, tag)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        if new_size > old.size() && self.fails() {
            return None;
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.reallocate(ptr, old, new_size) }
    }

    fn footprint(&self) -> Footprint {
        self.inner.footprint()
    }
}
