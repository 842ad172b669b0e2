//! The backends, one file each, each behind its feature.

#[cfg(feature = "buddy")]
pub(crate) mod buddy;
#[cfg(feature = "bump")]
pub(crate) mod bump;
#[cfg(any(feature = "bump", feature = "talc", feature = "slab"))]
mod chain;
#[cfg(feature = "dlmalloc")]
pub(crate) mod dlmalloc;
#[cfg(feature = "slab")]
pub(crate) mod slab;
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
pub(crate) mod system;
// Also the large-block heap of `slab`.
#[cfg(any(feature = "talc", feature = "slab"))]
pub(crate) mod talc;
