//! Allocation patterns that are hard on particular allocators, as traces (the `Trace`
//! decorator's format) so they replay like the recorded Lua workloads.
//!
//! - `ratchet`: each new block is a little larger than any freed one, then the previous block
//!   is freed, so live size stays flat while a first-fit or size-class allocator cannot reuse
//!   the holes and keeps growing memory.
//! - `random_frees`: many small blocks freed in random order: each free of a buddy allocator
//!   scans the free list of its size class, so the cost grows with the number of free blocks.

use lua_allocators::{Backend, LUA_MAX_ALIGN, System, Trace};
use std::alloc::Layout;
use std::ptr::NonNull;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, LUA_MAX_ALIGN).expect("sizes are small")
}

/// Live size stays near one block of ~`start` bytes; each step asks for 16 bytes more.
pub fn ratchet(steps: usize, start: usize) -> Vec<u8> {
    let mut trace = Trace::new(System);
    let mut previous: Option<(NonNull<u8>, usize)> = None;
    for step in 0..steps {
        let size = start + 16 * step;
        let block = trace.allocate(layout(size)).expect("the system allocator has memory");
        // Small filler blocks keep the holes from merging back into the top of the heap.
        let filler = trace.allocate(layout(32)).expect("memory");
        if let Some((old, old_size)) = previous.take() {
            // SAFETY: `old` came from this trace with `old_size` and is freed once.
            unsafe { trace.deallocate(old, layout(old_size)) };
        }
        previous = Some((block, size));
        let _ = filler; // stays live: the trace shows it as never freed
    }
    trace.take_trace()
}

/// `count` blocks of 16..64 bytes, then all freed in a pseudo-random order.
pub fn random_frees(count: usize, seed: u64) -> Vec<u8> {
    let mut trace = Trace::new(System);
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut blocks: Vec<(NonNull<u8>, usize)> = (0..count)
        .map(|_| {
            let size = 16 + (next() % 49) as usize;
            (trace.allocate(layout(size)).expect("memory"), size)
        })
        .collect();
    for i in (1..blocks.len()).rev() {
        blocks.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    for (block, size) in blocks {
        // SAFETY: each block came from this trace with `size` and is freed once.
        unsafe { trace.deallocate(block, layout(size)) };
    }
    trace.take_trace()
}

/// Every adversarial trace with its name, at the sizes the benches use.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![("adversarial_ratchet", ratchet(4_000, 256)), ("adversarial_random_frees", random_frees(50_000, 0x9e37_79b9))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use lua_allocators::replay;

    #[test]
    fn traces_replay_with_flat_or_zero_live_size() {
        let ratchet = replay(&ratchet(100, 256), &mut System).unwrap();
        assert_eq!(ratchet.ops, 100 * 2 + 99);
        assert!(ratchet.peak_live < 2 * (256 + 16 * 100) + 100 * 32, "live size stays flat: {}", ratchet.peak_live);
        let frees = replay(&random_frees(1000, 7), &mut System).unwrap();
        assert_eq!((frees.ops, frees.leaked, frees.failed), (2000, 0, 0));
    }
}
