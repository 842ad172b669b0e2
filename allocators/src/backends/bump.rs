//! An arena bump allocator: the fastest and smallest, for init-only or throwaway states.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use super::chain::{Chain, Grown};
use crate::{Backend, Footprint, GrowthPolicy};

#[cfg(test)]
mod tests;

/// A bump allocator over regions from the page source.
///
/// Blocks are carved in order from the newest region. Only the top (most recent) block is
/// reclaimed: freeing it moves the pointer back, and reallocating it grows or shrinks it in
/// place. Any other free is a no-op, so memory grows with every allocation on a churning workload
/// even when the live size stays flat (see the `churn_grows_footprint` test): pick it for states
/// that only initialise, or that are thrown away soon. When a region is full a new one is taken
/// (older ones stay until [`reset`](Self::reset) or drop); all are given back on drop.
#[derive(Debug)]
pub struct Bump {
    chain: Chain,
    /// Next free byte of the newest run (dangling when there is none).
    next: *mut u8,
    /// End of the newest run.
    end: *mut u8,
}

// SAFETY: a `Bump` owns its regions; nothing else refers to them, and the page source it gives
// them back to is locked.
unsafe impl Send for Bump {}

impl Default for Bump {
    fn default() -> Self {
        Self::new()
    }
}

impl Bump {
    /// An empty arena with the default [`GrowthPolicy`].
    pub const fn new() -> Self {
        Self::with_policy(GrowthPolicy::Exact)
    }

    /// An empty arena growing by `policy`.
    pub const fn with_policy(policy: GrowthPolicy) -> Self {
        Self {
            chain: Chain::new(policy),
            next: ptr::null_mut(),
            end: ptr::null_mut(),
        }
    }

    /// Frees every block at once: keeps the newest region, rewound, and gives the others back.
    ///
    /// # Safety
    /// No block allocated from this instance is used afterwards.
    pub unsafe fn reset(&mut self) {
        // SAFETY: forwarded from the caller.
        if let Some((start, end)) = unsafe { self.chain.release_older() } {
            (self.next, self.end) = (start.as_ptr(), end.as_ptr());
        }
    }

    fn room(&self) -> usize {
        self.end as usize - self.next as usize
    }

    /// Carves `layout` from the newest run, if it fits.
    fn carve(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let pad = crate::align_up(self.next as usize, layout.align())? - self.next as usize;
        if pad.checked_add(layout.size())? > self.room() {
            return None;
        }
        // SAFETY: `pad + size <= room`: both pointers stay inside the newest run.
        let block = unsafe { self.next.add(pad) };
        // SAFETY: as above.
        self.next = unsafe { block.add(layout.size()) };
        NonNull::new(block)
    }

    /// Takes more memory for at least `needed` bytes (alignment padding included).
    fn refill(&mut self, needed: usize) -> Option<()> {
        match self.chain.grow(needed)? {
            Grown::Fresh { start, end } => (self.next, self.end) = (start.as_ptr(), end.as_ptr()),
            Grown::Extended { from, to } => {
                debug_assert_eq!(from.as_ptr(), self.end);
                self.end = to.as_ptr();
            }
        }
        Some(())
    }

    fn is_top(&self, ptr: NonNull<u8>, size: usize) -> bool {
        ptr.as_ptr().wrapping_add(size) == self.next
    }
}

// SAFETY: blocks are carved from disjoint, increasing parts of regions we own, aligned by
// `carve`; reallocation either resizes the top block within its run or copies `min(old, new)`
// bytes to a new block; every failure returns `None`; shrinking always succeeds in place.
unsafe impl Backend for Bump {
    fn name(&self) -> &'static str {
        "bump"
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        if let Some(block) = self.carve(layout) {
            return Some(block);
        }
        self.refill(layout.size().checked_add(layout.align())?)?;
        self.carve(layout)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        if self.is_top(ptr, layout.size()) {
            self.next = ptr.as_ptr();
        }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        if self.is_top(ptr, old.size()) {
            let fits = |b: &Self| new_size <= b.end as usize - ptr.as_ptr() as usize;
            if !fits(self) {
                // The newest run may be extended in place; a fresh run ends the top block.
                self.refill(new_size.checked_add(old.align())?)?;
            }
            if self.is_top(ptr, old.size()) && fits(self) {
                // SAFETY: the block starts in the newest run and `new_size` bytes fit before its end.
                self.next = unsafe { ptr.as_ptr().add(new_size) };
                return Some(ptr);
            }
        } else if new_size <= old.size() {
            return Some(ptr);
        }
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        let fresh = self.allocate(new)?;
        // SAFETY: `fresh` is a new block disjoint from the live `ptr`; both hold `min` bytes.
        unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.size().min(new_size)) };
        Some(fresh)
    }

    fn footprint(&self) -> Footprint {
        self.chain.footprint()
    }
}
