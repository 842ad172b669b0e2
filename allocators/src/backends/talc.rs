//! The `talc` allocator over regions from the page source, or over one fixed arena.

// With `slab` alone this is only slab's large-block heap, which does not use everything.
#![cfg_attr(not(feature = "talc"), allow(dead_code))]

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use talc::base::{CHUNK_UNIT, Talc as Core};
use talc::source::Source;

use super::chain::{Chain, Grown};
use crate::{Backend, Footprint, GrowthPolicy};

#[cfg(target_arch = "wasm32")]
type Binning = talc::wasm::WasmBinning;
#[cfg(not(target_arch = "wasm32"))]
type Binning = talc::DefaultBinning;

/// [talc](https://crates.io/crates/talc): a fast, compact first-fit allocator that coalesces
/// freed memory and reallocates in place when it can.
///
/// [`new`](Self::new) grows by regions from the page source and gives them back on drop (adjacent
/// regions extend one heap). [`fixed`](Self::fixed) and [`with_region`](Self::with_region) never
/// grow: for a hard cap on a state's memory.
#[derive(Debug)]
pub struct Talc {
    core: Core<Pages, Binning>,
}

/// Talc's memory source: the page source, or nothing once a fixed arena is claimed.
#[derive(Debug)]
struct Pages {
    chain: Chain,
    /// End of the newest heap, as `claim`/`extend` returned it.
    heap_end: Option<NonNull<u8>>,
    grows: bool,
    /// Size of a caller-provided arena, if any.
    fixed: usize,
}

// SAFETY: `Pages` owns its runs (through `Chain`) and the heap they hold; the page source is
// locked.
unsafe impl Send for Pages {}

// SAFETY: `acquire` touches only `talc` and the page source (which never calls back into a
// backend or the global allocator).
unsafe impl Source for Pages {
    fn acquire<B: talc::base::binning::Binning>(
        talc: &mut Core<Self, B>,
        layout: Layout,
    ) -> Result<(), ()> {
        if !talc.source.grows {
            return Err(());
        }
        // Room for the block, its alignment, talc's tags at both heap ends, and on the first
        // claim talc's bin table.
        let mut needed = layout.size().checked_add(layout.align()).ok_or(())? + 4 * CHUNK_UNIT;
        if !talc.is_metadata_established() {
            needed += talc::min_first_heap_size::<B>();
        }
        match talc.source.chain.grow(needed).ok_or(())? {
            Grown::Extended { from, to } => {
                debug_assert_eq!(talc.source.heap_end, Some(from));
                // SAFETY: `from` is the current end of our newest heap and `[from, to)` is a
                // region we now own, handed to talc for good.
                talc.source.heap_end = Some(unsafe { talc.extend(from, to.as_ptr()) });
            }
            Grown::Fresh { start, end } => {
                let size = end.as_ptr() as usize - start.as_ptr() as usize;
                // SAFETY: `[start, end)` is a region we now own, handed to talc for good.
                talc.source.heap_end = Some(unsafe { talc.claim(start.as_ptr(), size) }.ok_or(())?);
            }
        }
        Ok(())
    }
}

impl Default for Talc {
    fn default() -> Self {
        Self::new()
    }
}

impl Talc {
    /// A growing heap with the default [`GrowthPolicy`].
    pub const fn new() -> Self {
        Self::with_policy(GrowthPolicy::Exact)
    }

    /// A growing heap growing by `policy`.
    pub const fn with_policy(policy: GrowthPolicy) -> Self {
        Self::from_pages(Pages {
            chain: Chain::new(policy),
            heap_end: None,
            grows: true,
            fixed: 0,
        })
    }

    /// A heap of one region of at least `bytes` from the page source (given back on drop), which
    /// never grows. Requests fail once it is full. If no region can be had, every request fails.
    pub fn with_region(bytes: usize) -> Self {
        let mut t = Self::with_policy(GrowthPolicy::Exact);
        if let Some(Grown::Fresh { start, end }) = t.core.source.chain.grow(bytes) {
            let size = end.as_ptr() as usize - start.as_ptr() as usize;
            // SAFETY: `[start, end)` is a region we own, handed to talc for good.
            t.core.source.heap_end = unsafe { t.core.claim(start.as_ptr(), size) };
        }
        t.core.source.grows = false;
        t
    }

    /// A heap over a caller-provided arena, which never grows. An arena too small for talc's
    /// bin table (`talc::min_first_heap_size`, about 1 KiB) makes every request fail.
    pub fn fixed(arena: &'static mut [u8]) -> Self {
        let fixed = arena.len();
        let mut t = Self::from_pages(Pages {
            chain: Chain::new(GrowthPolicy::Exact),
            heap_end: None,
            grows: false,
            fixed,
        });
        // SAFETY: the arena is borrowed mutably for 'static: nobody else will touch it.
        t.core.source.heap_end = unsafe { t.core.claim(arena.as_mut_ptr(), fixed) };
        t
    }

    const fn from_pages(pages: Pages) -> Self {
        Self {
            core: Core::new(pages),
        }
    }
}

// SAFETY: talc returns blocks aligned to the layout within heaps we gave it, disjoint while live;
// reallocation is in place or copies `min(old, new)`; failures return `None`; shrinking is
// always in place (`try_realloc_in_place` always succeeds for smaller sizes).
unsafe impl Backend for Talc {
    fn name(&self) -> &'static str {
        "talc"
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: the trait requires `layout.size() > 0`.
        unsafe { self.core.allocate(layout) }
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` was allocated here with `layout`.
        unsafe { self.core.deallocate(ptr.as_ptr(), layout) }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: the caller guarantees `ptr` was allocated here with `old`; `new_size > 0`.
        if unsafe { self.core.try_realloc_in_place(ptr.as_ptr(), old, new_size) } {
            return Some(ptr);
        }
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        let fresh = self.allocate(new)?;
        // SAFETY: `fresh` is a new block disjoint from the live `ptr` (only growth reaches here).
        unsafe {
            ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.size());
            self.core.deallocate(ptr.as_ptr(), old);
        }
        Some(fresh)
    }

    fn footprint(&self) -> Footprint {
        let mut f = self.core.source.chain.footprint();
        f.heap_bytes += self.core.source.fixed;
        f.peak_heap_bytes += self.core.source.fixed;
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LUA_MAX_ALIGN;

    #[test]
    fn fixed_arena_never_grows() {
        let arena = std::boxed::Box::leak(std::vec![0u8; 64 * 1024].into_boxed_slice());
        let mut t = Talc::fixed(arena);
        let l = Layout::from_size_align(1024, LUA_MAX_ALIGN).unwrap();
        let n = core::iter::from_fn(|| t.allocate(l)).take(1000).count();
        assert!(n > 40 && n < 64, "{n} blocks of 1 KiB in a 64 KiB arena");
        assert_eq!(
            t.footprint(),
            Footprint {
                heap_bytes: 64 * 1024,
                grow_count: 0,
                peak_heap_bytes: 64 * 1024,
            }
        );
    }

    #[test]
    fn with_region_never_grows() {
        let mut t = Talc::with_region(100_000);
        let l = Layout::from_size_align(1000, LUA_MAX_ALIGN).unwrap();
        let n = core::iter::from_fn(|| t.allocate(l)).take(1000).count();
        assert!(n > 90 && n < 132, "{n} blocks");
        assert_eq!(t.footprint().grow_count, 1);
    }
}
