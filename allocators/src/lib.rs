//! Allocator backends for Lua states.
//!
//! Every byte a Lua state allocates goes through a [`Backend`]: one instance per state. Lua's
//! `lua_Alloc` contract (5.4 manual, §4.6) always passes the exact old size, so backends need no
//! size headers, and a failed request returns `None` (Lua then collects garbage and retries once).
//!
//! Growing backends take their memory in regions (multiples of 2 KiB, so many small states share
//! each 64 KiB WebAssembly page) from one process-wide [`pages`] source and give them back when
//! dropped, so states created and closed in turn reuse the same linear memory. Each instance
//! counts what it holds ([`Footprint`]). How much a backend asks for at a time is its
//! [`GrowthPolicy`].
//!
//! | Backend | Feature | Pick it when |
//! |---|---|---|
//! | [`Talc`] | `talc` | the general choice on wasm: small code, frees and coalesces, reallocates in place |
//! | [`Dlmalloc`] | `dlmalloc` | you want the allocator Rust's own wasm std uses (well-known behaviour) |
//! | [`Buddy`] | `buddy` | you want simple, predictable power-of-two blocks; wastes up to half of each block |
//! | [`Bump`] | `bump` | init-only or throwaway states; memory grows without bound on churning workloads |
//! | [`Slab`] | `slab` | you want the fastest Lua: headerless size classes for small blocks (the size Lua passes picks the class), talc for the rest; a few KiB more code than talc |
//! | [`System`] | `system` | native only: libc `realloc`/`free`, Lua's own default, the reference |
//!
//! [`DefaultBackend`] is the first enabled of talc, dlmalloc, buddy, bump, slab, system.
//!
//! Decorators wrap any backend and are backends themselves: [`Stats`], [`Limit`], [`FailAfter`],
//! [`Checked`] and (feature `trace`) [`Trace`] with [`replay`]. [`GlobalBackend`] makes a backend
//! the Rust global allocator, so a wasm module links one allocator only.
//!
//! Features: `bump`, `dlmalloc`, `talc`, `buddy`, `slab`, `system` (backends), `trace` (the trace
//! decorator; needs the `alloc` crate), `fuzzing` (exposes [`model`], the shadow-model driver the
//! tests and the fuzz target share). All additive; none is on by default.

#![no_std]

#[cfg(not(target_arch = "wasm32"))]
extern crate std;

#[cfg(any(feature = "trace", feature = "fuzzing", test))]
extern crate alloc;

use core::alloc::Layout;
use core::ptr::NonNull;

mod backends;
pub mod decorators;
mod global;
mod growth;
mod lock;
#[cfg(any(feature = "fuzzing", test))]
pub mod model;
pub mod pages;

#[cfg(feature = "buddy")]
pub use backends::buddy::Buddy;
#[cfg(feature = "bump")]
pub use backends::bump::Bump;
#[cfg(feature = "dlmalloc")]
pub use backends::dlmalloc::Dlmalloc;
#[cfg(feature = "slab")]
pub use backends::slab::Slab;
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
pub use backends::system::System;
#[cfg(feature = "talc")]
pub use backends::talc::Talc;
#[cfg(feature = "trace")]
pub use decorators::trace::{ReplayError, ReplayResult, Trace, replay};
pub use decorators::{
    AllocStats, Checked, FailAfter, FailMode, HISTOGRAM_BUCKETS, LeakReport, Limit, Stats,
};
pub use global::GlobalBackend;
pub use growth::GrowthPolicy;

/// Lua's maximum alignment (`LUAI_MAXALIGN`): 8 on wasm32, 16 on 64-bit hosts.
pub const LUA_MAX_ALIGN: usize = if cfg!(target_pointer_width = "32") {
    8
} else {
    16
};

/// Memory a backend holds from its source (linear memory on wasm, the host allocator natively).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Bytes currently taken from the memory source by this instance.
    pub heap_bytes: usize,
    /// How many times this instance asked its source for more memory.
    pub grow_count: usize,
    /// The most `heap_bytes` has been. Backends that give memory back while they run
    /// (`dlmalloc`, `slab`) hold less at the end than at their peak, so memory efficiency is
    /// peak live bytes over this.
    pub peak_heap_bytes: usize,
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

    /// Allocates like [`allocate`](Self::allocate), passing on Lua's object-type tag (the `osize`
    /// of a `lua_Alloc` call with a null pointer). Backends ignore it; [`Trace`] records it.
    /// Decorators forward it, so a trampoline that calls this keeps the tag through a stack.
    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        let _ = tag;
        self.allocate(layout)
    }

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

/// The backend a downstream crate gets by enabling one feature: the first enabled of `talc`,
/// `dlmalloc`, `buddy`, `bump`, `slab`, `system` (native only).
#[cfg(feature = "talc")]
pub type DefaultBackend = Talc;
/// The backend a downstream crate gets by enabling one feature (see the `talc` variant).
#[cfg(all(not(feature = "talc"), feature = "dlmalloc"))]
pub type DefaultBackend = Dlmalloc;
/// The backend a downstream crate gets by enabling one feature (see the `talc` variant).
#[cfg(all(not(any(feature = "talc", feature = "dlmalloc")), feature = "buddy"))]
pub type DefaultBackend = Buddy;
/// The backend a downstream crate gets by enabling one feature (see the `talc` variant).
#[cfg(all(
    not(any(feature = "talc", feature = "dlmalloc", feature = "buddy")),
    feature = "bump"
))]
pub type DefaultBackend = Bump;
/// The backend a downstream crate gets by enabling one feature (see the `talc` variant).
#[cfg(all(
    not(any(
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump"
    )),
    feature = "slab"
))]
pub type DefaultBackend = Slab;
/// The backend a downstream crate gets by enabling one feature (see the `talc` variant).
#[cfg(all(
    not(any(
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump",
        feature = "slab"
    )),
    feature = "system",
    not(target_arch = "wasm32")
))]
pub type DefaultBackend = System;

/// Calls `$mac!(name, Type)` once for every backend compiled into this crate, where `name` is
/// the feature and [`Backend::name`] (`talc`, …) and `Type` the backend type; for example to
/// build one benchmark per backend. The features tested are this crate's, not the caller's.
#[macro_export]
macro_rules! for_each_backend {
    ($mac:ident) => {
        $crate::__if_talc! { $mac!(talc, $crate::Talc); }
        $crate::__if_dlmalloc! { $mac!(dlmalloc, $crate::Dlmalloc); }
        $crate::__if_buddy! { $mac!(buddy, $crate::Buddy); }
        $crate::__if_bump! { $mac!(bump, $crate::Bump); }
        $crate::__if_slab! { $mac!(slab, $crate::Slab); }
        $crate::__if_system! { $mac!(system, $crate::System); }
    };
}

// One pair per backend: expands its input when the backend is compiled in, else to nothing.
#[cfg(feature = "talc")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_talc { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "talc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_talc {
    ($($t:tt)*) => {};
}
#[cfg(feature = "dlmalloc")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_dlmalloc { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "dlmalloc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_dlmalloc {
    ($($t:tt)*) => {};
}
#[cfg(feature = "buddy")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_buddy { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "buddy"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_buddy {
    ($($t:tt)*) => {};
}
#[cfg(feature = "bump")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_bump { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "bump"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_bump {
    ($($t:tt)*) => {};
}
#[cfg(feature = "slab")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_slab { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "slab"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_slab {
    ($($t:tt)*) => {};
}
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_system { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(all(feature = "system", not(target_arch = "wasm32"))))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_system {
    ($($t:tt)*) => {};
}

/// Rounds `n` up to a multiple of `align` (a power of two); `None` on overflow.
#[inline]
pub(crate) const fn align_up(n: usize, align: usize) -> Option<usize> {
    match n.checked_add(align - 1) {
        Some(m) => Some(m & !(align - 1)),
        None => None,
    }
}
