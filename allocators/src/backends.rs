//! The backends, one file each, each behind its feature.

#[cfg(feature = "buddy")]
pub(crate) mod buddy;
#[cfg(feature = "bump")]
pub(crate) mod bump;
#[cfg(any(feature = "bump", feature = "talc"))]
mod chain;
#[cfg(feature = "dlmalloc")]
pub(crate) mod dlmalloc;
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
pub(crate) mod system;
#[cfg(feature = "talc")]
pub(crate) mod talc;
