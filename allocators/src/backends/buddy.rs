//! A buddy allocator (`buddy_system_allocator`) over regions from the page source.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use buddy_system_allocator::Heap;

use crate::pages::{self, PAGE_SIZE, Region};
use crate::{Backend, Footprint, GrowthPolicy};

/// Block orders: blocks of up to 2^31 bytes.
const ORDER: usize = 32;

/// A buddy allocator: every block is a power of two (at least the alignment and a word), aligned
/// to its size. Simple and predictable; wastes up to half of each block, and a free scans the
/// free list of its size class to find the buddy.
///
/// When the heap has no block of the right class it takes a region from the page source (for
/// classes of a page or more, aligned to the class, so the block exists) and retries.
/// Reallocation is in place while the class does not grow; shrinking splits the block in place.
pub struct Buddy {
    heap: Heap<ORDER>,
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
        // A class below a page fits in one page with room to spare for the record; a larger
        // class gets a region aligned to it plus a page for the record.
        let (needed, align) = if class < PAGE_SIZE {
            (PAGE_SIZE, PAGE_SIZE)
        } else {
            (class.checked_add(PAGE_SIZE)?, class)
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
        match self.heap.alloc(l) {
            Ok(block) => Some(block),
            Err(()) => self.grow_and_allocate(l.size(), l),
        }
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        if let Some(l) = class_layout(layout) {
            // SAFETY: the caller guarantees `ptr` was allocated here with `layout`; the heap saw
            // it as `l` (same class).
            unsafe { self.heap.dealloc(ptr, l) }
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
                // SAFETY: the piece is part of our block, now unused; the heap takes it as a
                // block of its size (the counts balance: the block was counted as `old_class`).
                unsafe {
                    let at = NonNull::new_unchecked(ptr.as_ptr().add(piece));
                    self.heap
                        .dealloc(at, Layout::from_size_align_unchecked(piece, align));
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
        }
    }
}
