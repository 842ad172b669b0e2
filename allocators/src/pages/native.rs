//! Pages natively: carved in order from one arena reserved from the host's `System` allocator
//! on first use, mimicking linear memory (contiguous, never given back). The arena is reserved,
//! not touched, so the OS commits only pages in use. Using `System` directly (not the global
//! allocator) keeps this usable under a [`GlobalBackend`](crate::GlobalBackend).

use core::alloc::{GlobalAlloc, Layout};
use std::alloc::System;

use super::PAGE_SIZE;

/// Bytes of address space reserved for the arena (less under Miri, which backs it for real).
const CAPACITY: usize = if cfg!(miri) {
    64 << 20
} else if cfg!(target_pointer_width = "64") {
    1 << 30
} else {
    256 << 20
};

pub(super) struct Memory {
    base: *mut u8,
    used: usize,
}

impl Memory {
    pub(super) const fn new() -> Self {
        Self {
            base: core::ptr::null_mut(),
            used: 0,
        }
    }

    /// The current end of the used arena; reserves the arena on first use.
    pub(super) fn top(&mut self) -> Option<usize> {
        if self.base.is_null() {
            let layout = Layout::from_size_align(CAPACITY, PAGE_SIZE).ok()?;
            // SAFETY: `layout` has a non-zero size.
            self.base = unsafe { System.alloc(layout) };
        }
        (!self.base.is_null()).then(|| self.base as usize + self.used)
    }

    /// Extends the used arena by `pages`; returns the address of the first new byte.
    pub(super) fn grow(&mut self, pages: usize) -> Option<usize> {
        let top = self.top()?;
        let bytes = pages.checked_mul(PAGE_SIZE)?;
        if bytes > CAPACITY - self.used {
            return None;
        }
        self.used += bytes;
        Some(top)
    }

    /// A pointer to arena address `addr`, carrying the arena's provenance.
    pub(super) fn ptr(&self, addr: usize) -> *mut u8 {
        self.base.with_addr(addr)
    }
}
