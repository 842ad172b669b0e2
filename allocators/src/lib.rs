//! Allocator backends for Lua states.
//!
//! Every byte a Lua state allocates goes through a [`Backend`]: one instance per state. Lua's
//! `lua_Alloc` contract (5.4 manual, §4.6) always passes the exact old size, so backends need no
//! size headers, and a failed request returns `None` (Lua then collects garbage and retries once).

#![no_std]

#[cfg(any(feature = "system", test))]
extern crate std;

use core::alloc::Layout;
use core::ptr::NonNull;

/// Lua's maximum alignment (`LUAI_MAXALIGN`): 8 on wasm32, 16 on 64-bit hosts.
pub const LUA_MAX_ALIGN: usize = if cfg!(target_pointer_width = "32") { 8 } else { 16 };

/// Memory a backend holds from its source (linear memory on wasm, the host allocator natively).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Bytes currently taken from the memory source by this instance.
    pub heap_bytes: usize,
    /// How many times this instance asked its source for more memory.
    pub grow_count: usize,
}

/// An allocator that serves one Lua state.
///
/// # Safety
/// Implementors promise that every block returned is aligned to the layout's alignment, is
/// valid for reads and writes of the layout's size, and does not overlap any other live block of
/// this instance; that `reallocate` preserves the first `min(old, new)` bytes; and that a failed
/// request returns `None` without aborting. Shrinking (`new_size <= old.size()`) never fails.
pub unsafe trait Backend {
    /// A short stable name (`"talc"`, `"dlmalloc"`, …) used in reports and `memoryStats()`.
    fn name(&self) -> &'static str;

    /// Allocates a block of `layout.size() > 0` bytes.
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>>;

    /// Frees a block.
    ///
    /// # Safety
    /// `ptr` was returned by this instance with exactly `layout` and is not used afterwards.
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout);

    /// Resizes a block to `new_size > 0` bytes, keeping its alignment.
    ///
    /// # Safety
    /// `ptr` was returned by this instance with exactly `old`. On success the old pointer is no
    /// longer valid; on failure (`None`) the old block is untouched.
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        let fresh = self.allocate(new)?;
        // SAFETY: both blocks are live, distinct, and at least `min` bytes long.
        unsafe {
            core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.size().min(new_size));
            self.deallocate(ptr, old);
        }
        Some(fresh)
    }

    /// Memory this instance holds from its source.
    fn footprint(&self) -> Footprint {
        Footprint::default()
    }
}
