//! The exact-size cache in front of the buddy heap: freed blocks by order, each freed in O(1),
//! merged with their buddies lazily and in bulk.
//!
//! `buddy_system_allocator`'s own free scans the free list of the block's order for its buddy,
//! so freeing n blocks of one order costs O(n²): a deep recursion unwinding (hundreds of thousands
//! of `CallInfo`s freed) took minutes. Here a free pushes the block on its order's list. An
//! allocation takes a block of its order, or splits the smallest larger one. Merging happens
//! in one pass over every list (sorted by address, so a block and its buddy are neighbours) when
//! the heap would otherwise grow. A pass over n blocks costs O(n log n), and runs only once
//! n/9 blocks or more were cached since the last one, so each free pays O(log n) for passes,
//! amortised.

use core::ptr::{self, NonNull};

/// A cached block, linked through its first word.
struct Free {
    next: *mut Free,
}

/// Freed blocks by order: `lists[o]` holds blocks of `2^o` bytes aligned to `2^o`.
pub(super) struct Cache<const ORDER: usize> {
    lists: [*mut Free; ORDER],
    /// Bit `o` is set when `lists[o]` is not empty.
    nonempty: u64,
    /// Bytes in the lists.
    bytes: usize,
    /// Blocks in the lists.
    blocks: usize,
    /// `blocks` right after the last merge pass.
    settled: usize,
}

impl<const ORDER: usize> Cache<ORDER> {
    const FITS: () = assert!(ORDER <= 64, "one bit per order in a u64");

    pub(super) const fn new() -> Self {
        let () = Self::FITS;
        Self {
            lists: [ptr::null_mut(); ORDER],
            nonempty: 0,
            bytes: 0,
            blocks: 0,
            settled: 0,
        }
    }

    /// Bytes in the cache.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Caches a free block.
    ///
    /// # Safety
    /// `block` is a block of `2^order` bytes aligned to `2^order` (and to a pointer), owned by
    /// the caller, not in the cache, and not used until the cache hands it out again.
    pub(super) unsafe fn push(&mut self, block: NonNull<u8>, order: usize) {
        let free = block.as_ptr().cast::<Free>();
        // SAFETY: the block is ours, writable and aligned for a pointer (per the caller).
        unsafe {
            free.write(Free {
                next: self.lists[order],
            })
        };
        self.lists[order] = free;
        self.nonempty |= 1 << order;
        self.bytes += 1 << order;
        self.blocks += 1;
    }

    fn pop(&mut self, order: usize) -> Option<NonNull<u8>> {
        let free = NonNull::new(self.lists[order])?;
        // SAFETY: every listed block holds its link (written by `push` or `merge`).
        self.lists[order] = unsafe { free.as_ref().next };
        if self.lists[order].is_null() {
            self.nonempty &= !(1 << order);
        }
        self.bytes -= 1 << order;
        self.blocks -= 1;
        Some(free.cast())
    }

    /// A block of `2^order` bytes: a cached one of that order, else the low part of the
    /// smallest larger cached block, whose upper halves stay cached.
    pub(super) fn take(&mut self, order: usize) -> Option<NonNull<u8>> {
        let larger = self.nonempty & (u64::MAX << order);
        if larger == 0 {
            return None;
        }
        let from = larger.trailing_zeros() as usize;
        let block = self.pop(from)?;
        for half in (order..from).rev() {
            // SAFETY: the upper half of a block of `2^(half + 1)` bytes that we own, aligned to
            // its own size; it goes to the cache and is not used here again.
            unsafe { self.push(block.add(1 << half), half) };
        }
        Some(block)
    }

    /// Whether a merge pass may pay off before a heap of `held` bytes grows for a block of
    /// `2^order` bytes: the cache holds at least that much, and twice as many blocks as after the
    /// last pass, or, holding a quarter of the heap, an eighth more.
    pub(super) fn worth_merging(&self, order: usize, held: usize) -> bool {
        let grown_by = |part: usize| self.blocks > self.settled + self.settled / part;
        self.bytes >= 1 << order && (grown_by(1) || (self.bytes >= held / 4 && grown_by(8)))
    }

    /// Merges every pair of cached buddies into a block of the next order, smallest order
    /// first, so that merges cascade.
    pub(super) fn merge(&mut self) {
        for order in 0..ORDER {
            let size = 1usize << order;
            // SAFETY: the list is ours; every block on it holds its link.
            let mut at = unsafe { sort(self.lists[order]) };
            self.lists[order] = ptr::null_mut();
            self.nonempty &= !(1 << order);
            let count = self.count(at);
            self.bytes -= count * size;
            self.blocks -= count;
            while let Some(block) = NonNull::new(at) {
                // SAFETY: listed blocks hold their links.
                let next = unsafe { block.as_ref().next };
                let address = block.as_ptr() as usize;
                let buddy_follows = next as usize == address.wrapping_add(size);
                // The top order has no larger one to merge into.
                if order + 1 < ORDER && address % (2 * size) == 0 && buddy_follows {
                    // SAFETY: `block` and `next` are the two free halves of one aligned block of
                    // `2 * size` bytes, both ours; it is cached whole and `next` is dropped.
                    unsafe {
                        at = (*next).next;
                        self.push(block.cast(), order + 1);
                    }
                } else {
                    // SAFETY: a free block of this order, back to its list.
                    unsafe { self.push(block.cast(), order) };
                    at = next;
                }
            }
        }
        self.settled = self.blocks;
    }

    /// Blocks on a list (which is about to be taken apart).
    fn count(&self, mut at: *mut Free) -> usize {
        let mut n = 0;
        while let Some(block) = NonNull::new(at) {
            n += 1;
            // SAFETY: listed blocks hold their links.
            at = unsafe { block.as_ref().next };
        }
        n
    }
}

/// Sorts a list by address: bottom-up merge sort in place, O(n log n) time and O(1) space.
///
/// # Safety
/// Every block on the list holds its link, and nothing else uses them.
unsafe fn sort(mut list: *mut Free) -> *mut Free {
    // `runs[i]` is null or a sorted run of 2^i blocks.
    let mut runs = [ptr::null_mut::<Free>(); usize::BITS as usize];
    while let Some(block) = NonNull::new(list) {
        // SAFETY: per the caller.
        unsafe {
            list = block.as_ref().next;
            (*block.as_ptr()).next = ptr::null_mut();
        }
        let mut run = block.as_ptr();
        let mut i = 0;
        while !runs[i].is_null() {
            // SAFETY: both are sorted lists of our blocks.
            run = unsafe { merge_sorted(runs[i], run) };
            runs[i] = ptr::null_mut();
            i += 1;
        }
        runs[i] = run;
    }
    let mut sorted = ptr::null_mut();
    for run in runs {
        // SAFETY: both are sorted lists of our blocks.
        sorted = unsafe { merge_sorted(run, sorted) };
    }
    sorted
}

/// Merges two lists sorted by address into one.
///
/// # Safety
/// Both lists are sorted, disjoint, and made of blocks that hold their links.
unsafe fn merge_sorted(mut a: *mut Free, mut b: *mut Free) -> *mut Free {
    let mut head: *mut Free = ptr::null_mut();
    let mut tail: *mut *mut Free = &mut head;
    loop {
        let next = match (a.is_null(), b.is_null()) {
            (true, _) => {
                // SAFETY: `tail` points at `head` or at the link of the last block taken.
                unsafe { *tail = b };
                return head;
            }
            (_, true) => {
                // SAFETY: as above.
                unsafe { *tail = a };
                return head;
            }
            _ if (a as usize) < (b as usize) => {
                let taken = a;
                // SAFETY: `a` is a listed block.
                a = unsafe { (*a).next };
                taken
            }
            _ => {
                let taken = b;
                // SAFETY: `b` is a listed block.
                b = unsafe { (*b).next };
                taken
            }
        };
        // SAFETY: `tail` points at `head` or at a taken block's link; `next` is a listed block.
        unsafe {
            *tail = next;
            tail = &raw mut (*next).next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// The block at `offset` from the first 4 KiB boundary inside `arena`.
    fn block(arena: &mut [u64], offset: usize) -> NonNull<u8> {
        let base = arena.as_mut_ptr().cast::<u8>();
        let aligned = base.wrapping_add(base.align_offset(4096));
        NonNull::new(aligned.wrapping_add(offset)).unwrap()
    }

    #[test]
    fn split_takes_the_smallest_larger_block() {
        let mut storage = std::vec![0u64; 2048];
        let mut c = Cache::<16>::new();
        let b = block(&mut storage, 0);
        // SAFETY: a 4 KiB-aligned, 4 KiB block of our storage.
        unsafe { c.push(b, 12) };
        let first = c.take(6).unwrap();
        assert_eq!(first, b);
        assert_eq!(c.bytes(), 4096 - 64);
        let second = c.take(6).unwrap();
        assert_eq!(second.as_ptr() as usize, b.as_ptr() as usize + 64);
        assert!(c.take(12).is_none());
    }

    #[test]
    fn merging_restores_the_whole_block_whatever_the_free_order() {
        let mut storage = std::vec![0u64; 2048];
        let mut c = Cache::<16>::new();
        let b = block(&mut storage, 0);
        // Every other 16-byte block first, then the rest: nothing merges until the pass.
        let offsets: Vec<usize> = (0..256).map(|i| i * 16).collect();
        for &o in offsets
            .iter()
            .step_by(2)
            .chain(offsets.iter().skip(1).step_by(2))
        {
            // SAFETY: disjoint 16-byte blocks of our storage, 16-aligned.
            unsafe { c.push(block(&mut storage, o), 4) };
        }
        assert!(c.take(12).is_none(), "no merge before the pass");
        assert!(c.worth_merging(12, 0));
        c.merge();
        assert_eq!(c.take(12), Some(b));
        assert_eq!(c.bytes(), 0);
        assert!(!c.worth_merging(4, 0));
    }

    #[test]
    fn only_buddies_merge() {
        let mut storage = std::vec![0u64; 2048];
        let mut c = Cache::<16>::new();
        // 64..128 and 128..192 are neighbours but not buddies (64 is not 128-aligned).
        for o in [64, 128] {
            // SAFETY: disjoint 64-byte blocks of our storage.
            unsafe { c.push(block(&mut storage, o), 6) };
        }
        c.merge();
        assert!(c.take(7).is_none());
        assert_eq!(c.bytes(), 128);
    }

    #[test]
    fn sort_orders_by_address() {
        let mut storage = std::vec![0u64; 4096];
        let mut list: *mut Free = ptr::null_mut();
        let mut order: Vec<usize> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        for &i in &order {
            let b = block(&mut storage, i * 16).as_ptr().cast::<Free>();
            // SAFETY: disjoint blocks of our storage.
            unsafe { b.write(Free { next: list }) };
            list = b;
        }
        // SAFETY: a list of our blocks.
        let mut at = unsafe { sort(list) };
        order.sort();
        let mut seen = Vec::new();
        while !at.is_null() {
            seen.push(at as usize);
            // SAFETY: listed.
            at = unsafe { (*at).next };
        }
        assert_eq!(seen.len(), 1000);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
    }
}
