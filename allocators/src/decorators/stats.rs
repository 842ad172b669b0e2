//! Exact allocation statistics.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{Backend, Footprint};

/// Buckets of [`AllocStats::histogram`].
pub const HISTOGRAM_BUCKETS: usize = 32;

/// A snapshot of [`Stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Bytes in live blocks (as requested, not as the backend rounds them).
    pub live_bytes: usize,
    /// The highest `live_bytes` seen.
    pub peak_bytes: usize,
    /// Successful allocations.
    pub allocations: u64,
    /// Successful reallocations (growing or shrinking).
    pub reallocations: u64,
    /// Frees.
    pub frees: u64,
    /// Requests that returned `None`.
    pub failed: u64,
    /// Successful allocations and reallocations by requested size: bucket `i` counts sizes in
    /// `(2^(i-1), 2^i]` (bucket 0: size 1); the last bucket also counts everything larger.
    pub histogram: [u64; HISTOGRAM_BUCKETS],
}

/// The histogram bucket of a request of `size > 0` bytes.
pub(crate) fn bucket(size: usize) -> usize {
    ((usize::BITS - (size.max(1) - 1).leading_zeros()) as usize).min(HISTOGRAM_BUCKETS - 1)
}

/// Counts everything that passes through it, exactly.
#[derive(Debug, Default)]
pub struct Stats<B> {
    inner: B,
    stats: AllocStats,
}

impl<B: Backend> Stats<B> {
    /// Wraps `inner` with zeroed counters.
    pub const fn new(inner: B) -> Self {
        Self {
            inner,
            stats: AllocStats {
                live_bytes: 0,
                peak_bytes: 0,
                allocations: 0,
                reallocations: 0,
                frees: 0,
                failed: 0,
                histogram: [0; HISTOGRAM_BUCKETS],
            },
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> AllocStats {
        self.stats
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    /// The wrapped backend, mutably.
    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    fn record(
        &mut self,
        outcome: Option<NonNull<u8>>,
        size: usize,
        freed: usize,
    ) -> Option<NonNull<u8>> {
        let s = &mut self.stats;
        match outcome {
            Some(_) => {
                s.live_bytes = s.live_bytes - freed + size;
                s.peak_bytes = s.peak_bytes.max(s.live_bytes);
                s.histogram[bucket(size)] += 1;
            }
            None => s.failed += 1,
        }
        outcome
    }
}

// SAFETY: every request is forwarded unchanged to `inner`, whose guarantees carry over.
unsafe impl<B: Backend> Backend for Stats<B> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_tagged(layout, 0)
    }

    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        let p = self.inner.allocate_tagged(layout, tag);
        self.stats.allocations += p.is_some() as u64;
        self.record(p, layout.size(), 0)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.deallocate(ptr, layout) };
        self.stats.frees += 1;
        self.stats.live_bytes -= layout.size();
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self.inner.reallocate(ptr, old, new_size) };
        self.stats.reallocations += p.is_some() as u64;
        self.record(p, new_size, old.size())
    }

    fn footprint(&self) -> Footprint {
        self.inner.footprint()
    }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_are_ceil_log2() {
        assert_eq!([1, 2, 3, 4, 5, 16, 17].map(bucket), [0, 1, 2, 2, 3, 4, 5]);
        assert_eq!(bucket(usize::MAX), super::HISTOGRAM_BUCKETS - 1);
    }
}
