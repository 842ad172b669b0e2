//! Which allocator backend [`crate::Lua::new`] uses: the one backend feature of this crate that
//! is on (`talc`, `dlmalloc`, `buddy`, `bump`, `slab`, natively `system`), else talc when the
//! `default-backend` feature (a default feature) is on. So a crate that asks for
//! `features = ["buddy"]` gets buddy whether or not it turned default features off.
//!
//! Two backend features at once is a build error: cargo enables the union of the features every
//! crate in a build asks for, so one of those crates would silently get a backend it did not
//! choose. No backend at all is a build error too. Both say what to change.
//! [`crate::Lua::with_backend`] takes any `lua_allocators` backend, whatever these features say.

#[cfg(any(
    all(feature = "talc", any(feature = "dlmalloc", feature = "buddy", feature = "bump", feature = "slab", feature = "system")),
    all(feature = "dlmalloc", any(feature = "buddy", feature = "bump", feature = "slab", feature = "system")),
    all(feature = "buddy", any(feature = "bump", feature = "slab", feature = "system")),
    all(feature = "bump", any(feature = "slab", feature = "system")),
    all(feature = "slab", feature = "system"),
))]
compile_error!(
    "lua-wasm: more than one allocator backend feature is on (talc, dlmalloc, buddy, bump, slab, \
     system). Cargo enables the features that every crate in the build asks for, so two crates \
     asking for different backends meet here: enable exactly one backend feature of lua-wasm \
     (run `cargo tree -e features -i lua-wasm` to see who asks for which), and use \
     `Lua::with_backend` with lua-allocators' types to run several backends in one program."
);

#[cfg(not(any(
    feature = "default-backend",
    feature = "talc",
    feature = "dlmalloc",
    feature = "buddy",
    feature = "bump",
    feature = "slab",
    feature = "system"
)))]
compile_error!(
    "lua-wasm: no allocator backend selected. Enable one feature of lua-wasm: \
     `talc` (the default), `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`, e.g. \
     `lua-wasm = { version = \"...\", default-features = false, features = [\"lua54\", \"talc\"] }`."
);

#[cfg(all(feature = "system", target_arch = "wasm32"))]
compile_error!("lua-wasm: the `system` backend is native only; on wasm32 choose talc, dlmalloc, buddy, bump or slab.");

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(any(feature = "talc", all(feature = "default-backend", not(any(feature = "dlmalloc", feature = "buddy", feature = "bump", feature = "slab", feature = "system")))))]
pub type SelectedBackend = lua_allocators::Talc;

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(all(feature = "dlmalloc", not(feature = "talc")))]
pub type SelectedBackend = lua_allocators::Dlmalloc;

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(all(feature = "buddy", not(any(feature = "talc", feature = "dlmalloc"))))]
pub type SelectedBackend = lua_allocators::Buddy;

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(all(feature = "bump", not(any(feature = "talc", feature = "dlmalloc", feature = "buddy"))))]
pub type SelectedBackend = lua_allocators::Bump;

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(all(feature = "slab", not(any(feature = "talc", feature = "dlmalloc", feature = "buddy", feature = "bump"))))]
pub type SelectedBackend = lua_allocators::Slab;

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, `slab`, or natively `system`.
#[cfg(all(
    feature = "system",
    not(target_arch = "wasm32"),
    not(any(feature = "talc", feature = "dlmalloc", feature = "buddy", feature = "bump", feature = "slab"))
))]
pub type SelectedBackend = lua_allocators::System;

/// Stands for the backend where none can be named, so that the compile error above is the
/// build's only message.
#[cfg(any(
    all(feature = "system", target_arch = "wasm32"),
    not(any(
        feature = "default-backend",
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump",
        feature = "slab",
        feature = "system"
    ))
))]
pub type SelectedBackend = Unselected;

/// See [`SelectedBackend`]: a backend that has no memory (every request fails). Only a build
/// that has already failed with the reason compiles it.
#[cfg(any(
    all(feature = "system", target_arch = "wasm32"),
    not(any(
        feature = "default-backend",
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump",
        feature = "slab",
        feature = "system"
    ))
))]
#[derive(Default)]
pub struct Unselected;

// SAFETY: it never returns a block, so no block can be misaligned or overlap another, and
// `deallocate` is never reached with a block of its own.
#[cfg(any(
    all(feature = "system", target_arch = "wasm32"),
    not(any(
        feature = "default-backend",
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump",
        feature = "slab",
        feature = "system"
    ))
))]
unsafe impl lua_allocators::Backend for Unselected {
    fn name(&self) -> &'static str {
        "none"
    }
    fn allocate(&mut self, _: core::alloc::Layout) -> Option<core::ptr::NonNull<u8>> {
        None
    }
    unsafe fn deallocate(&mut self, _: core::ptr::NonNull<u8>, _: core::alloc::Layout) {}
}
