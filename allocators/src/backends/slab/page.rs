//! Slab pages: the size classes, and the header at the start of every page.
//!
//! A page is [`PAGE`] bytes aligned to [`PAGE`], so the page of a block is its address with the
//! low bits cleared: blocks carry no header. Blocks of one class fill the page after its header;
//! they are handed out from the page's free list, else from its never-used tail ("fresh"), so a
//! new page is not touched beyond its header.

use core::ptr::{self, NonNull};

use crate::LUA_MAX_ALIGN;

/// Bytes of a page, and its alignment.
pub(super) const PAGE: usize = 1024;
/// Class sizes are the multiples of this step (Lua's alignment) up to [`SMALL_MAX`].
pub(super) const STEP: usize = LUA_MAX_ALIGN;
/// The largest block served from pages.
pub(super) const SMALL_MAX: usize = 128;
/// Number of classes.
pub(super) const CLASSES: usize = SMALL_MAX / STEP;
/// What a page asks of talc: talc ends every allocation with a one-word tag and rounds chunks
/// to its 16-byte (wasm32) or 32-byte unit, so asking one word less than a page makes each
/// page exactly one chunk and pages lie back to back. The blocks end before that word.
pub(super) const REQUEST: usize = PAGE - size_of::<usize>();
/// Where the first block starts.
pub(super) const HEADER: usize = match crate::align_up(size_of::<Page>(), STEP) {
    Some(n) => n,
    None => panic!(),
};

const _: () = assert!(CLASSES <= u8::MAX as usize && REQUEST <= u16::MAX as usize);
const _: () = assert!(
    (REQUEST - HEADER) / STEP <= u8::MAX as usize,
    "live counts fit a u8"
);

/// The class of a block of `size` bytes aligned to at most [`STEP`], if pages serve it.
#[inline]
pub(super) fn class_of(size: usize, align: usize) -> Option<usize> {
    (size <= SMALL_MAX && align <= STEP).then(|| size.max(1).div_ceil(STEP) - 1)
}

/// The block size of a class.
#[inline]
pub(super) const fn block_size(class: usize) -> usize {
    (class + 1) * STEP
}

/// Where the first few blocks of a class go before the class has pages of its own: slots of
/// 32, 64 or 128 bytes. An idle state uses a dozen classes, most of them for a block or two; a
/// page each would make it hold twice its live bytes.
#[inline]
pub(super) const fn sparse_home(class: usize) -> usize {
    let size = block_size(class);
    let home = if size <= 32 {
        32
    } else if size <= 64 {
        64
    } else {
        SMALL_MAX
    };
    home / STEP - 1
}

/// How many live blocks of a class may sit in its sparse home before it gets pages of its own.
pub(super) const BORROW_MAX: u32 = 6;

/// A freed block, linked through its first word.
pub(super) struct Free {
    pub(super) next: *mut Free,
}

/// The header at the start of every page.
#[repr(C)]
pub(super) struct Page {
    /// Freed blocks of this page.
    pub(super) free: *mut Free,
    /// Neighbours in its class's list of pages with a free block (null at either end).
    pub(super) prev: *mut Page,
    pub(super) next: *mut Page,
    /// Offset of the first never-used block.
    pub(super) fresh: u16,
    /// Blocks handed out and not freed.
    pub(super) live: u8,
    /// The class of every block of the page.
    pub(super) class: u8,
}

impl Page {
    /// A header for an empty page of `class`.
    pub(super) fn new(class: usize) -> Self {
        Page {
            free: ptr::null_mut(),
            prev: ptr::null_mut(),
            next: ptr::null_mut(),
            fresh: HEADER as u16,
            live: 0,
            class: class as u8,
        }
    }

    /// The page holding `block`.
    #[inline]
    pub(super) fn of(block: NonNull<u8>) -> *mut Page {
        block.as_ptr().map_addr(|a| a & !(PAGE - 1)).cast()
    }

    /// Whether every block is handed out.
    #[inline]
    pub(super) fn is_full(&self) -> bool {
        self.free.is_null() && self.fresh as usize + block_size(self.class as usize) > REQUEST
    }

    /// Takes a block of a page that is not full.
    ///
    /// # Safety
    /// `page` is a live page header, not full.
    #[inline]
    pub(super) unsafe fn take(page: *mut Page) -> NonNull<u8> {
        // SAFETY: per the caller; freed blocks hold their links; the fresh block lies inside the
        // page, before `REQUEST`, since the page is not full.
        unsafe {
            let p = &mut *page;
            p.live += 1;
            if let Some(free) = NonNull::new(p.free) {
                p.free = free.as_ref().next;
                return free.cast();
            }
            let block = page.cast::<u8>().add(p.fresh as usize);
            p.fresh += block_size(p.class as usize) as u16;
            NonNull::new_unchecked(block)
        }
    }

    /// Gives a block back to its page.
    ///
    /// # Safety
    /// `block` is a live block of `page`, not used afterwards.
    #[inline]
    pub(super) unsafe fn put(page: *mut Page, block: NonNull<u8>) {
        // SAFETY: per the caller: the block is ours, aligned to `STEP`, at least one word long.
        unsafe {
            let p = &mut *page;
            let free = block.as_ptr().cast::<Free>();
            free.write(Free { next: p.free });
            p.free = free;
            p.live -= 1;
        }
    }
}
