//! The regions one backend instance holds from the page source, linked through a header at the
//! start of each run of adjacent regions, given back on drop.

use core::ptr::{self, NonNull};

use crate::pages::{self, GRANULE, Region};
use crate::{Footprint, GrowthPolicy, LUA_MAX_ALIGN};

/// The header at the start of each run.
#[repr(C)]
struct Header {
    next: *mut Header,
    size: usize,
}

/// Bytes at the start of a run that the header takes (keeps the rest Lua-aligned).
pub(crate) const HEADER: usize = match crate::align_up(size_of::<Header>(), LUA_MAX_ALIGN) {
    Some(n) => n,
    None => panic!(),
};

/// What a successful [`Chain::grow`] added.
pub(crate) enum Grown {
    /// A new run: usable memory `[start, end)` after its header.
    Fresh {
        start: NonNull<u8>,
        end: NonNull<u8>,
    },
    /// The region continued the newest run, whose end moved from `from` to `to`.
    Extended { from: NonNull<u8>, to: NonNull<u8> },
}

#[derive(Debug)]
pub(crate) struct Chain {
    /// The newest run, or null.
    head: *mut Header,
    policy: GrowthPolicy,
    last_region: usize,
    held: usize,
    peak: usize,
    grows: usize,
}

// SAFETY: a `Chain` owns its runs; nothing else refers to them, and the page source is locked.
unsafe impl Send for Chain {}

impl Chain {
    pub(crate) const fn new(policy: GrowthPolicy) -> Self {
        Self {
            head: ptr::null_mut(),
            policy,
            last_region: 0,
            held: 0,
            peak: 0,
            grows: 0,
        }
    }

    pub(crate) fn footprint(&self) -> Footprint {
        Footprint {
            heap_bytes: self.held,
            grow_count: self.grows,
            peak_heap_bytes: self.peak,
        }
    }

    /// Takes a region with room for `needed` usable bytes (per the growth policy), continuing
    /// the newest run when the page source hands out the pages right after it.
    pub(crate) fn grow(&mut self, needed: usize) -> Option<Grown> {
        let size = self
            .policy
            .region_size(needed.checked_add(HEADER)?, self.last_region)?;
        let region = pages::acquire(size, GRANULE)?;
        self.grows += 1;
        self.held += region.size;
        self.peak = self.peak.max(self.held);
        self.last_region = region.size;
        let base = region.base.as_ptr();
        // SAFETY: `size` bytes from `base` are the region we now own.
        let end = unsafe { NonNull::new_unchecked(base.add(region.size)) };
        if !self.head.is_null() {
            // SAFETY: `head` is the header of our newest run.
            let run = unsafe { &mut *self.head };
            let run_end = self.head.cast::<u8>().wrapping_add(run.size);
            if run_end == base {
                run.size += region.size;
                // SAFETY: `run_end == base`, non-null.
                return Some(Grown::Extended {
                    from: unsafe { NonNull::new_unchecked(run_end) },
                    to: end,
                });
            }
        }
        let header = base.cast::<Header>();
        // SAFETY: the region is ours, granule-aligned and larger than a header.
        unsafe {
            header.write(Header {
                next: self.head,
                size: region.size,
            })
        };
        self.head = header;
        // SAFETY: HEADER < GRANULE <= region.size.
        let start = unsafe { NonNull::new_unchecked(base.add(HEADER)) };
        Some(Grown::Fresh { start, end })
    }

    #[cfg(feature = "bump")]
    /// Gives back every run but the newest (whose usable bounds it returns, if any).
    ///
    /// # Safety
    /// Nothing uses memory of the older runs afterwards.
    pub(crate) unsafe fn release_older(&mut self) -> Option<(NonNull<u8>, NonNull<u8>)> {
        if self.head.is_null() {
            return None;
        }
        // SAFETY: `head` is our newest run's header.
        let newest = unsafe { &mut *self.head };
        // SAFETY: forwarded from the caller for the older runs.
        unsafe { self.release_from(newest.next) };
        newest.next = ptr::null_mut();
        self.held = newest.size;
        let base = self.head.cast::<u8>();
        // SAFETY: the run is `size > HEADER` bytes long.
        unsafe {
            Some((
                NonNull::new_unchecked(base.add(HEADER)),
                NonNull::new_unchecked(base.add(newest.size)),
            ))
        }
    }

    /// # Safety
    /// `run` and the runs after it are ours and nothing uses them afterwards.
    unsafe fn release_from(&mut self, mut run: *mut Header) {
        while let Some(header) = NonNull::new(run) {
            // SAFETY: every run starts with its header; read it before giving the run back.
            let Header { next, size } = unsafe { header.read() };
            // SAFETY: the run is granule-aligned memory of the page source that we own.
            unsafe {
                pages::release(Region {
                    base: header.cast(),
                    size,
                })
            };
            run = next;
        }
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        // SAFETY: the owning backend is being dropped, so none of its blocks is used any more.
        unsafe { self.release_from(self.head) };
    }
}
