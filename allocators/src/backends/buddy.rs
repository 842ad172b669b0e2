//! A buddy allocator (`buddy_system_allocator`) over regions from the page source, with an
//! exact-size cache in front of its free.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use buddy_system_allocator::Heap;

use crate::pages::{self, GRANULE, Region};
use crate::{Backend, Footprint, GrowthPolicy};

mod cache;
#[cfg(test)]
mod tests;

use cache::Cache;

/// Block orders: blocks of up to 2^31 bytes.
const ORDER: usize = 32;
/// The smallest block holds a pointer.
const MIN_ORDER: usize = size_of::<usize>().trailing_zeros() as usize;

/// A buddy allocator: every block is a power of two (at least the alignment and a word), aligned
/// to its size. Simple and predictable; wastes up to half of each block.
///
/// `buddy_system_allocator`'s heap carves regions into blocks and splits them. Its free scans the
/// free list of the block's size class for the buddy, which made freeing many blocks quadratic,
/// so freed blocks go to an exact-size cache (`cache.rs`) instead: freeing is O(1), an allocation
/// takes a cached block of its class (or splits a larger cached one) before asking the heap, and
/// buddies are merged in bulk before the heap would grow (O(log n) per free, amortised).
///
/// When neither has a block of the right class it takes a region from the page source (for
/// classes of a granule or more, aligned to the class, so the block exists) and retries.
/// Reallocation is in place while the class does not grow; shrinking splits the block in place.
pub struct Buddy {
    heap: Heap<ORDER>,
    cache: Cache<ORDER>,
    /// Newest first; each record is a block of the heap itself.
    regions: *mut Record,
    policy: GrowthPolicy,
    last_region: usize,
    held: usize,
    grows: usize,
}

/// Which region of the page source the heap holds; allocated from the heap right after its region
/// was added, so it lives in that region or an older one.
struct Record {
    region: Region,
    next: *mut Record,
}

/// The size class of a request: the block size buddy uses for it.
fn class(size: usize, align: usize) -> Option<usize> {
    Some(
        size.checked_next_power_of_two()?
            .max(align)
            .max(size_of::<usize>()),
    )
}

/// `layout` with its size raised to its class, so the heap's own byte counts stay consistent
/// when blocks are resized in place.
fn class_layout(layout: Layout) -> Option<Layout> {
    Layout::from_size_align(class(layout.size(), layout.align())?, layout.align()).ok()
}

// SAFETY: a `Buddy` owns its regions and the heap's free lists inside them; nothing else refers
// to them, and the page source is locked.
unsafe impl Send for Buddy {}

impl Default for Buddy {
    fn default() -> Self {
        Self::new()
    }
}

impl Buddy {
    /// An empty heap with the default [`GrowthPolicy`].
    pub const fn new() -> Self {
        Self::with_policy(GrowthPolicy::Exact)
    }

    /// An empty heap growing by `policy`.
    pub const fn with_policy(policy: GrowthPolicy) -> Self {
        Self {
            heap: Heap::new(),
            cache: Cache::new(),
            regions: ptr::null_mut(),
            policy,
            last_region: 0,
            held: 0,
            grows: 0,
        }
    }

    /// Adds a region with room for a block of class `class`, allocates `layout` (of that class)
    /// from it, then records the region.
    fn grow_and_allocate(&mut self, class: usize, layout: Layout) -> Option<NonNull<u8>> {
        // A class below a granule fits in one granule with room to spare for the record; a
        // larger class gets a region aligned to it plus a granule for the record.
        let (needed, align) = if class < GRANULE {
            (GRANULE, GRANULE)
        } else {
            (class.checked_add(GRANULE)?, class)
        };
        let size = self.policy.region_size(needed, self.last_region)?;
        let region = pages::acquire(size, align)?;
        (self.last_region, self.held, self.grows) =
            (region.size, self.held + region.size, self.grows + 1);
        let start = region.base.as_ptr() as usize;
        // SAFETY: the region is ours, writable, and disjoint from everything in the heap.
        unsafe { self.heap.add_to_heap(start, start + region.size) };
        let block = self.heap.alloc(layout).ok();
        match self.heap.alloc(Layout::new::<Record>()) {
            Ok(record) => {
                let record = record.cast::<Record>();
                // SAFETY: a fresh block of the heap, sized and aligned for a `Record`.
                unsafe {
                    record.write(Record {
                        region,
                        next: self.regions,
                    })
                };
                self.regions = record.as_ptr();
            }
            // Unreachable by the sizes above; the region would merely not be given back.
            Err(()) => debug_assert!(false, "no room for a region record"),
        }
        block
    }

    /// Moves every free block of the heap to the cache, so that a merge pass sees all free
    /// memory. Largest order first: the heap then never splits a block to serve a request.
    fn drain_heap(&mut self) {
        for order in (MIN_ORDER..ORDER).rev() {
            if self.heap.stats_total_bytes() == self.heap.stats_alloc_actual() {
                return;
            }
            let Ok(layout) = Layout::from_size_align(1 << order, 1 << order) else {
                continue;
            };
            while let Ok(block) = self.heap.alloc(layout) {
                // SAFETY: a free block of the heap, now ours: `2^order` bytes aligned to them.
                unsafe { self.cache.push(block, order) };
            }
        }
    }
}

impl Drop for Buddy {
    fn drop(&mut self) {
        let mut at = self.regions;
        while let Some(record) = NonNull::new(at) {
            // SAFETY: each record lives in its own region or an older one; going newest first, it
            // is read before its region (or any older one) is given back.
            let Record { region, next } = unsafe { record.read() };
            // SAFETY: the region came from the page source; the heap is being dropped.
            unsafe { pages::release(region) };
            at = next;
        }
    }
}

// SAFETY: buddy blocks are aligned to their class (at least the layout's alignment) and disjoint;
// reallocation keeps the block (same class), splits it in place (smaller class), or copies
// `min(old, new)` bytes; failures return `None`; shrinking never fails.
unsafe impl Backend for Buddy {
    fn name(&self) -> &'static str {
        "buddy"
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let l = class_layout(layout)?;
        let order = l.size().trailing_zeros() as usize;
        if let Some(block) = self.cache.take(order) {
            return Some(block);
        }
        if let Ok(block) = self.heap.alloc(l) {
            return Some(block);
        }
        if self.cache.worth_merging(order, self.held) {
            self.drain_heap();
            self.cache.merge();
            if let Some(block) = self.cache.take(order) {
                return Some(block);
            }
        }
        self.grow_and_allocate(l.size(), l)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        if let Some(l) = class_layout(layout) {
            // SAFETY: the caller guarantees `ptr` is a live block of ours with `layout`, so of
            // class `l.size()` and aligned to it; it is not used afterwards.
            unsafe { self.cache.push(ptr, l.size().trailing_zeros() as usize) }
        }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let align = old.align();
        let (old_class, new_class) = (class(old.size(), align)?, class(new_size, align)?);
        if new_class <= old_class {
            // Give back the upper halves: [c, 2c), [2c, 4c), … [old/2, old), each aligned to its
            // size because the block is aligned to `old_class`.
            let mut piece = new_class;
            while piece < old_class {
                // SAFETY: the piece is part of our block, now unused, `piece` bytes aligned to
                // `piece`.
                unsafe {
                    let at = NonNull::new_unchecked(ptr.as_ptr().add(piece));
                    self.cache.push(at, piece.trailing_zeros() as usize);
                }
                piece *= 2;
            }
            return Some(ptr);
        }
        let fresh = self.allocate(Layout::from_size_align(new_size, align).ok()?)?;
        // SAFETY: `fresh` is new and disjoint from the live `ptr`; it holds more than `old.size()`.
        unsafe {
            ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.size());
            self.deallocate(ptr, old);
        }
        Some(fresh)
    }

    fn footprint(&self) -> Footprint {
        Footprint {
            heap_bytes: self.held,
            grow_count: self.grows,
            // Regions are given back only on drop.
            peak_heap_bytes: self.held,
        }
    }
}
