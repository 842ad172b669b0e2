//! The allocator stack under every state: the backend chosen by cargo feature (see
//! `lua_allocators::DefaultBackend`), wrapped in a memory limit and in statistics.
//! Statistics sit outside the limit so that refused requests are counted as failures.

use lua_allocators::{Backend, Limit, Stats};

/// The backend compiled in: `talc`, `dlmalloc`, `buddy`, `bump`, or natively `system`.
pub type SelectedBackend = lua_allocators::DefaultBackend;

/// What a state allocates through.
pub type StateAllocator<B> = Stats<Limit<B>>;

/// A fresh allocator stack with no memory limit.
pub fn new_state_allocator<B: Backend>(backend: B) -> StateAllocator<B> {
    Stats::new(Limit::new(backend, 0))
}
