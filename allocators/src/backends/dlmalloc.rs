//! The `dlmalloc` allocator (the one Rust's wasm std uses) over regions from the page source.

use core::alloc::Layout;
use core::cell::Cell;
use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};

use crate::pages::{self, GRANULE, Region};
use crate::{Backend, Footprint, GrowthPolicy};

/// dlmalloc's own alignment of every block.
const MALLOC_ALIGN: usize = 2 * size_of::<usize>();

/// [dlmalloc](https://crates.io/crates/dlmalloc), Doug Lea's allocator as ported to Rust.
///
/// Segments come from the page source, in granules (dlmalloc's own default is 64 KiB, which
/// would make every state hold a whole page). dlmalloc gives wholly free segments and the free
/// top of a segment back itself from time to time; on drop, `Dlmalloc::destroy` gives back every
/// segment.
pub struct Dlmalloc {
    inner: ManuallyDrop<dlmalloc::Dlmalloc<PageAllocator>>,
}

/// dlmalloc's system interface, served by the page source.
struct PageAllocator {
    policy: GrowthPolicy,
    last_region: Cell<usize>,
    held: Cell<usize>,
    peak: Cell<usize>,
    grows: Cell<usize>,
}

impl PageAllocator {
    fn give_back(&self, base: *mut u8, size: usize) -> bool {
        let Some(base) = NonNull::new(base) else {
            return false;
        };
        if base.as_ptr() as usize % GRANULE != 0 || size % GRANULE != 0 {
            return false;
        }
        // SAFETY: dlmalloc hands back (parts of) segments we gave it, whole granules, and no
        // longer uses them.
        unsafe { pages::release(Region { base, size }) };
        self.held.set(self.held.get() - size);
        true
    }
}

// SAFETY: regions come from the page source, are writable and disjoint; `free`/`free_part`
// only give back what dlmalloc says it no longer uses.
unsafe impl dlmalloc::Allocator for PageAllocator {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let region = self
            .policy
            .region_size(size, self.last_region.get())
            .and_then(|size| pages::acquire(size, GRANULE));
        match region {
            Some(r) => {
                self.last_region.set(r.size);
                self.held.set(self.held.get() + r.size);
                self.peak.set(self.peak.get().max(self.held.get()));
                self.grows.set(self.grows.get() + 1);
                (r.base.as_ptr(), r.size, 0)
            }
            None => (ptr::null_mut(), 0, 0),
        }
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, ptr: *mut u8, old: usize, new: usize) -> bool {
        self.give_back(ptr.wrapping_add(new), old - new)
    }

    fn free(&self, ptr: *mut u8, size: usize) -> bool {
        self.give_back(ptr, size)
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        true
    }

    fn allocates_zeros(&self) -> bool {
        false
    }

    fn page_size(&self) -> usize {
        GRANULE
    }
}

impl Default for Dlmalloc {
    fn default() -> Self {
        Self::new()
    }
}

impl Dlmalloc {
    /// An empty heap with the default [`GrowthPolicy`].
    pub const fn new() -> Self {
        Self::with_policy(GrowthPolicy::Exact)
    }

    /// An empty heap growing by `policy`.
    pub const fn with_policy(policy: GrowthPolicy) -> Self {
        let pages = PageAllocator {
            policy,
            last_region: Cell::new(0),
            held: Cell::new(0),
            peak: Cell::new(0),
            grows: Cell::new(0),
        };
        let mut inner = dlmalloc::Dlmalloc::new_with_allocator(pages);
        // A power of two above dlmalloc's minimum: always accepted.
        let accepted = inner.set_granularity(GRANULE);
        assert!(accepted, "dlmalloc refused the granule as granularity");
        Self {
            inner: ManuallyDrop::new(inner),
        }
    }
}

impl Drop for Dlmalloc {
    fn drop(&mut self) {
        // SAFETY: `inner` is not used after this. `destroy` reads each segment record before
        // freeing that segment, and each record lives in its own segment (dlmalloc stores the
        // previous top segment's record inside that segment), so giving a segment back never
        // clobbers a record still to be read.
        unsafe { ManuallyDrop::take(&mut self.inner).destroy() };
    }
}

// SAFETY: dlmalloc returns aligned, disjoint blocks from segments we gave it; `realloc`
// preserves `min(old, new)` bytes; failures return null, mapped to `None`; a failed shrink keeps
// the (large enough) old block.
unsafe impl Backend for Dlmalloc {
    fn name(&self) -> &'static str {
        "dlmalloc"
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: any size and power-of-two alignment is accepted.
        NonNull::new(unsafe { self.inner.malloc(layout.size(), layout.align()) })
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: the caller guarantees `ptr` is a live block of this heap. (`c_free` rather than
        // `free`: a block kept by a failed shrink is larger than its layout says.)
        unsafe { self.inner.c_free(ptr.as_ptr()) }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let p = if old.align() <= MALLOC_ALIGN {
            // SAFETY: the caller guarantees `ptr` is a live block of this heap.
            NonNull::new(unsafe { self.inner.c_realloc(ptr.as_ptr(), new_size) })
        } else {
            let fresh = NonNull::new(
                // SAFETY: any size and power-of-two alignment is accepted.
                unsafe { self.inner.malloc(new_size, old.align()) },
            );
            if let Some(fresh) = fresh {
                // SAFETY: `fresh` is new and disjoint from the live `ptr`; both hold `min` bytes.
                unsafe {
                    ptr::copy_nonoverlapping(
                        ptr.as_ptr(),
                        fresh.as_ptr(),
                        old.size().min(new_size),
                    );
                    self.inner.c_free(ptr.as_ptr());
                }
            }
            fresh
        };
        match p {
            // A shrink that could not be done keeps the old, large enough, block.
            None if new_size <= old.size() => Some(ptr),
            p => p,
        }
    }

    fn footprint(&self) -> Footprint {
        let a = self.inner.allocator();
        Footprint {
            heap_bytes: a.held.get(),
            grow_count: a.grows.get(),
            peak_heap_bytes: a.peak.get(),
        }
    }
}
