//! Heap checking: canaries, junk fill, leak counts.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use crate::{Backend, Footprint, LUA_MAX_ALIGN};

/// Bytes of canary after each block.
const CANARY: usize = LUA_MAX_ALIGN;
/// The canary's byte value.
const CANARY_BYTE: u8 = 0xCA;
/// Fill of newly allocated (and newly grown) memory: reading it unset shows.
const NEW_JUNK: u8 = 0xA5;
/// Fill of freed memory: use after free shows.
const FREED_JUNK: u8 = 0xDD;

/// Live blocks and bytes, for "report leaks at close".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeakReport {
    /// Blocks allocated and not freed.
    pub blocks: usize,
    /// Their bytes (as requested).
    pub bytes: usize,
}

/// Puts a canary after each block (asking `inner` for the extra bytes), fills new memory with
/// `0xA5` and freed memory with `0xDD`, checks the canary on every free and reallocation (panics
/// with the block's address on corruption), and counts live blocks for [`leak_report`].
///
/// [`leak_report`]: Self::leak_report
#[derive(Debug, Default)]
pub struct Checked<B> {
    inner: B,
    live: LeakReport,
}

impl<B: Backend> Checked<B> {
    /// Wraps `inner`.
    pub const fn new(inner: B) -> Self {
        Self {
            inner,
            live: LeakReport {
                blocks: 0,
                bytes: 0,
            },
        }
    }

    /// Blocks still live: at close, anything but zero is a leak.
    pub fn leak_report(&self) -> LeakReport {
        self.live
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    fn padded(layout: Layout) -> Option<Layout> {
        Layout::from_size_align(layout.size().checked_add(CANARY)?, layout.align()).ok()
    }

    /// # Safety
    /// `ptr` is a live block of `size + CANARY` bytes.
    unsafe fn write_canary(ptr: NonNull<u8>, size: usize) {
        // SAFETY: forwarded from the caller.
        unsafe { ptr::write_bytes(ptr.as_ptr().add(size), CANARY_BYTE, CANARY) }
    }

    /// # Safety
    /// `ptr` is a live block of `size + CANARY` bytes.
    unsafe fn check_canary(ptr: NonNull<u8>, size: usize) {
        for i in 0..CANARY {
            // SAFETY: forwarded from the caller.
            let byte = unsafe { *ptr.as_ptr().add(size + i) };
            assert!(
                byte == CANARY_BYTE,
                "lua-allocators: heap corruption: the {CANARY}-byte canary after the {size}-byte \
                 block at {:p} was overwritten at byte {i} (0x{byte:02x})",
                ptr.as_ptr(),
            );
        }
    }
}

// SAFETY: blocks are `inner`'s with a canary after them: the caller's `size` bytes keep
// `inner`'s alignment and disjointness; reallocation forwards to `inner` (which preserves the
// first `min(old, new)` bytes); failures return `None`; shrinking is forwarded.
unsafe impl<B: Backend> Backend for Checked<B> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_tagged(layout, 0)
    }

    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        let p = self.inner.allocate_tagged(Self::padded(layout)?, tag)?;
        // SAFETY: `p` is a fresh block of `size + CANARY` bytes.
        unsafe {
            ptr::write_bytes(p.as_ptr(), NEW_JUNK, layout.size());
            Self::write_canary(p, layout.size());
        }
        self.live.blocks += 1;
        self.live.bytes += layout.size();
        Some(p)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        let padded = Self::padded(layout).expect("a live block's padded layout is valid");
        // SAFETY: the caller guarantees a live block of ours: `size + CANARY` bytes.
        unsafe {
            Self::check_canary(ptr, layout.size());
            ptr::write_bytes(ptr.as_ptr(), FREED_JUNK, padded.size());
            self.inner.deallocate(ptr, padded);
        }
        self.live.blocks -= 1;
        self.live.bytes -= layout.size();
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let padded = Self::padded(old).expect("a live block's padded layout is valid");
        let new_padded = new_size.checked_add(CANARY)?;
        // SAFETY: the caller guarantees a live block of ours: `old.size() + CANARY` bytes.
        unsafe { Self::check_canary(ptr, old.size()) };
        if new_size < old.size() {
            // SAFETY: the tail is within the block and is being given up.
            unsafe {
                ptr::write_bytes(
                    ptr.as_ptr().add(new_size),
                    FREED_JUNK,
                    old.size() - new_size,
                )
            };
        }
        // SAFETY: forwarded from the caller, with the layout `inner` saw.
        let Some(p) = (unsafe { self.inner.reallocate(ptr, padded, new_padded) }) else {
            if new_size < old.size() {
                // SAFETY: the block is untouched by the failure; restore its canary.
                unsafe { Self::write_canary(ptr, old.size()) };
            }
            return None;
        };
        // SAFETY: `p` is a live block of `new_size + CANARY` bytes.
        unsafe {
            if new_size > old.size() {
                ptr::write_bytes(p.as_ptr().add(old.size()), NEW_JUNK, new_size - old.size());
            }
            Self::write_canary(p, new_size);
        }
        self.live.bytes = self.live.bytes - old.size() + new_size;
        Some(p)
    }

    fn footprint(&self) -> Footprint {
        self.inner.footprint()
    }
}

#[cfg(all(test, feature = "talc"))]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "heap corruption")]
    fn overrun_is_caught_on_free() {
        let mut c = Checked::new(crate::Talc::new());
        let l = Layout::from_size_align(24, LUA_MAX_ALIGN).unwrap();
        let p = c.allocate(l).unwrap();
        // SAFETY: deliberately writes one byte past the block, into the canary (ours).
        unsafe {
            *p.as_ptr().add(24) = 0;
            c.deallocate(p, l);
        }
    }

    #[test]
    fn leaks_are_counted() {
        let mut c = Checked::new(crate::Talc::new());
        let l = Layout::from_size_align(24, LUA_MAX_ALIGN).unwrap();
        let p = c.allocate(l).unwrap();
        let _leak = c.allocate(l).unwrap();
        // SAFETY: `p` is live with `l`.
        unsafe { c.deallocate(p, l) };
        assert_eq!(
            c.leak_report(),
            LeakReport {
                blocks: 1,
                bytes: 24
            }
        );
    }
}
