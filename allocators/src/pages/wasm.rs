//! Pages on wasm32: `memory.grow` on memory 0.

use core::arch::wasm32;

use super::PAGE_SIZE;

pub(super) struct Memory;

impl Memory {
    pub(super) const fn new() -> Self {
        Memory
    }

    /// The current end of linear memory; `None` for a full 4 GiB memory (its end is not an
    /// address).
    pub(super) fn top(&mut self) -> Option<usize> {
        wasm32::memory_size(0).checked_mul(PAGE_SIZE)
    }

    /// Grows memory by `pages`; returns the address of the first new byte.
    pub(super) fn grow(&mut self, pages: usize) -> Option<usize> {
        // Refuse growth whose end would not be an address (the last page of a 4 GiB memory).
        self.top()?.checked_add(pages.checked_mul(PAGE_SIZE)?)?;
        match wasm32::memory_grow(0, pages) {
            usize::MAX => None,
            previous => Some(previous * PAGE_SIZE),
        }
    }

    /// A pointer to linear-memory address `addr`.
    pub(super) fn ptr(&self, addr: usize) -> *mut u8 {
        core::ptr::with_exposed_provenance_mut(addr)
    }
}
