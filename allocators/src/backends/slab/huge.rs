//! Huge blocks: each in a region of its own from the page source, given back when freed, and
//! resized in place when the granules after it are free or lie at the end of memory.
//!
//! A growing Lua array doubles: in a heap, each new block needs room beside the old one and
//! leaves a hole too small for the next, so the heap ends up about twice the largest array. A
//! region at the end of memory grows where it is instead, and a freed region is free for every
//! state (and for this state's heap) again.

use core::ptr::{self, NonNull};

use super::page::STEP;
use crate::pages::{self, GRANULE, Region};

/// The header before every huge block, at the start of its region.
#[repr(C)]
struct Huge {
    prev: *mut Huge,
    next: *mut Huge,
    /// Bytes of the region.
    size: usize,
}

/// Bytes of the header (keeps the block Lua-aligned).
const HEADER: usize = match crate::align_up(size_of::<Huge>(), STEP) {
    Some(n) => n,
    None => panic!(),
};

/// The huge blocks of one instance.
#[derive(Debug)]
pub(super) struct HugeBlocks {
    /// Every live huge block's header, newest first.
    head: *mut Huge,
    /// Bytes of their regions.
    held: usize,
    /// Regions taken from the page source (growth in place included).
    grows: usize,
}

fn header_of(block: NonNull<u8>) -> *mut Huge {
    block.as_ptr().wrapping_sub(HEADER).cast()
}

impl HugeBlocks {
    pub(super) const fn new() -> Self {
        Self {
            head: ptr::null_mut(),
            held: 0,
            grows: 0,
        }
    }

    pub(super) fn held(&self) -> usize {
        self.held
    }

    pub(super) fn grows(&self) -> usize {
        self.grows
    }

    /// A block of `size` bytes in a region of its own.
    pub(super) fn allocate(&mut self, size: usize) -> Option<NonNull<u8>> {
        let region = pages::acquire(size.checked_add(HEADER)?, GRANULE)?;
        let header = region.base.as_ptr().cast::<Huge>();
        // SAFETY: the region is ours, granule-aligned and larger than a header; the list's
        // headers are live.
        unsafe {
            header.write(Huge {
                prev: ptr::null_mut(),
                next: self.head,
                size: region.size,
            });
            if let Some(next) = self.head.as_mut() {
                next.prev = header;
            }
            self.head = header;
            self.held += region.size;
            self.grows += 1;
            Some(region.base.add(HEADER))
        }
    }

    /// Frees a huge block: its region goes back to the page source.
    ///
    /// # Safety
    /// `block` is a live huge block of this instance, not used afterwards.
    pub(super) unsafe fn deallocate(&mut self, block: NonNull<u8>) {
        let header = header_of(block);
        // SAFETY: per the caller: the header and its neighbours on the list are live; the region
        // is ours and given back once.
        unsafe {
            let Huge { prev, next, size } = header.read();
            match prev.as_mut() {
                Some(prev) => prev.next = next,
                None => self.head = next,
            }
            if let Some(next) = next.as_mut() {
                next.prev = prev;
            }
            self.held -= size;
            pages::release(Region {
                base: NonNull::new_unchecked(header.cast()),
                size,
            });
        }
    }

    /// Resizes a huge block where it is; false (the block unchanged) if the page source has no
    /// room after it.
    ///
    /// # Safety
    /// `block` is a live huge block of this instance; after a shrink, no byte past `size` is used.
    pub(super) unsafe fn resize_in_place(&mut self, block: NonNull<u8>, size: usize) -> bool {
        let header = header_of(block);
        let Some(wanted) = size.checked_add(HEADER) else {
            return false;
        };
        // SAFETY: per the caller, the header is live and the region ours.
        unsafe {
            let old = Region {
                base: NonNull::new_unchecked(header.cast()),
                size: (*header).size,
            };
            let Some(new) = pages::resize_in_place(old, wanted) else {
                return false;
            };
            if new.size > old.size {
                self.grows += 1;
            }
            self.held = self.held - old.size + new.size;
            (*header).size = new.size;
        }
        true
    }
}

impl Drop for HugeBlocks {
    fn drop(&mut self) {
        while let Some(header) = NonNull::new(self.head) {
            // SAFETY: a live header of ours: the block after it is one of our huge blocks, and
            // the instance is being dropped, so nothing uses it.
            unsafe {
                let block = header.cast::<u8>().add(HEADER);
                self.deallocate(block);
            }
        }
    }
}
