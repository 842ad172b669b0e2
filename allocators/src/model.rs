//! The shadow-model driver shared by the tests and the fuzz target (feature `fuzzing`).
//!
//! Random allocate/reallocate/free sequences with Lua-like sizes (mostly 16-64 bytes, some
//! doubling buffers and tables up to 1 MiB) run against a backend while a model of every block
//! checks: alignment to `LUA_MAX_ALIGN`, no overlap, contents kept across reallocation and
//! failure, and (through the decorators) exact statistics and the memory limit.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{Backend, Checked, FailAfter, FailMode, LUA_MAX_ALIGN, Limit, Stats};

#[cfg(test)]
mod tests;

/// The largest block the driver asks for (less under Miri, where filling costs).
pub const MAX_BLOCK: usize = if cfg!(miri) { 64 << 10 } else { 1 << 20 };
/// The driver frees in preference once this many blocks are live.
const MAX_LIVE: usize = 400;

/// A xorshift64* generator: tiny, seeded, good enough to pick operations.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Where the driver's choices come from.
#[derive(Clone, Debug)]
pub enum Input<'a> {
    /// A seeded generator, for `ops` operations.
    Rng(XorShift, usize),
    /// Fuzzer bytes, until they run out.
    Bytes(&'a [u8]),
}

impl Input<'_> {
    /// A seeded input of `ops` operations.
    pub fn seeded(seed: u64, ops: usize) -> Self {
        Input::Rng(XorShift::new(seed), ops)
    }

    fn next(&mut self) -> Option<u32> {
        match self {
            Input::Rng(rng, _) => Some(rng.next_u64() as u32),
            Input::Bytes(b) => {
                let (head, rest) = b.split_at_checked(2)?;
                *b = rest;
                Some((u16::from_le_bytes([head[0], head[1]]) as u32 * 0x9E37) ^ head[1] as u32)
            }
        }
    }

    /// Starts one operation; false when the input is used up.
    fn another_op(&mut self) -> bool {
        match self {
            Input::Rng(_, ops) => ops.checked_sub(1).map(|n| *ops = n).is_some(),
            Input::Bytes(b) => !b.is_empty(),
        }
    }

    fn below(&mut self, n: usize) -> Option<usize> {
        Some(self.next()? as usize % n.max(1))
    }

    /// A Lua-like request size.
    fn size(&mut self) -> Option<usize> {
        let r = self.below(100)?;
        let (lo, hi) = match r {
            0..70 => (16, 64),
            70..85 => (1, 256),
            85..97 => (256, 4096),
            _ => (4096, MAX_BLOCK),
        };
        Some(lo + self.below(hi - lo + 1)?)
    }
}

/// What the model counted: what [`Stats`] must report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Bytes in live blocks.
    pub live_bytes: usize,
    /// The highest `live_bytes`.
    pub peak_bytes: usize,
    /// Successful allocations.
    pub allocations: u64,
    /// Successful reallocations.
    pub reallocations: u64,
    /// Frees.
    pub frees: u64,
    /// Refused requests.
    pub failed: u64,
}

struct Block {
    ptr: NonNull<u8>,
    size: usize,
    id: u32,
}

/// The byte every block with id `id` is filled with (its first 4 bytes hold the id).
fn fill_byte(id: u32) -> u8 {
    (id.wrapping_mul(0x9E) as u8) | 1
}

/// # Safety
/// `b.ptr` is live with `b.size` bytes; `from <= b.size`.
unsafe fn fill(b: &Block, from: usize) {
    // SAFETY: within the block, per the caller.
    unsafe { core::ptr::write_bytes(b.ptr.as_ptr().add(from), fill_byte(b.id), b.size - from) };
    let id = b.id.to_le_bytes();
    for (i, &byte) in id.iter().enumerate().take(b.size).skip(from) {
        // SAFETY: `i < size`.
        unsafe { *b.ptr.as_ptr().add(i) = byte };
    }
}

/// Panics unless the first `len` bytes at `ptr` are block `b`'s pattern.
///
/// # Safety
/// `ptr` is valid for `len` reads.
unsafe fn verify(b: &Block, ptr: NonNull<u8>, len: usize) {
    // SAFETY: per the caller.
    let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), len) };
    let id = b.id.to_le_bytes();
    let (head, tail) = bytes.split_at(len.min(4));
    assert!(head == &id[..head.len()], "block {} lost its header", b.id);
    let want = fill_byte(b.id);
    if let Some(i) = tail.iter().position(|&x| x != want) {
        panic!(
            "block {} ({} bytes) corrupted at byte {}",
            b.id,
            b.size,
            i + 4
        );
    }
}

struct Model {
    blocks: Vec<Block>,
    /// Live blocks by address: start -> end.
    spans: BTreeMap<usize, usize>,
    counts: Counts,
    next_id: u32,
}

impl Model {
    fn place(&mut self, ptr: NonNull<u8>, size: usize) {
        let (start, end) = (ptr.as_ptr() as usize, ptr.as_ptr() as usize + size);
        assert!(
            start % LUA_MAX_ALIGN == 0,
            "block at {start:#x} is not aligned to {LUA_MAX_ALIGN}"
        );
        if let Some((&s, &e)) = self.spans.range(..end).next_back() {
            assert!(
                e <= start,
                "block {start:#x}..{end:#x} overlaps live block {s:#x}..{e:#x}"
            );
        }
        self.spans.insert(start, end);
    }

    fn unplace(&mut self, ptr: NonNull<u8>) {
        self.spans.remove(&(ptr.as_ptr() as usize));
    }

    fn add_live(&mut self, delta_in: usize, delta_out: usize) {
        let c = &mut self.counts;
        c.live_bytes = c.live_bytes + delta_in - delta_out;
        c.peak_bytes = c.peak_bytes.max(c.live_bytes);
    }
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, LUA_MAX_ALIGN).expect("sizes stay small")
}

/// Runs `input`'s operations on `backend`, calling `check` after each, then frees every block
/// and calls `check` once more. Returns the final counts (`live_bytes` is then 0).
pub fn run<B: Backend>(
    backend: &mut B,
    mut input: Input,
    mut check: impl FnMut(&B, &Counts),
) -> Counts {
    let mut m = Model {
        blocks: Vec::new(),
        spans: BTreeMap::new(),
        counts: Counts::default(),
        next_id: 0,
    };
    while input.another_op() {
        let Some(r) = input.below(100) else { break };
        let op = if m.blocks.is_empty() {
            0
        } else if m.blocks.len() >= MAX_LIVE {
            99
        } else {
            r
        };
        let done = match op {
            0..45 => allocate(backend, &mut m, &mut input),
            45..70 => reallocate(backend, &mut m, &mut input),
            _ => free(backend, &mut m, &mut input),
        };
        if done.is_none() {
            break;
        }
        check(backend, &m.counts);
    }
    while let Some(b) = m.blocks.pop() {
        release(backend, &mut m, b);
    }
    check(backend, &m.counts);
    m.counts
}

fn allocate<B: Backend>(backend: &mut B, m: &mut Model, input: &mut Input) -> Option<()> {
    let (size, tag) = (input.size()?, input.below(9)?);
    let Some(ptr) = backend.allocate_tagged(layout(size), tag) else {
        m.counts.failed += 1;
        return Some(());
    };
    m.place(ptr, size);
    let b = Block {
        ptr,
        size,
        id: m.next_id,
    };
    m.next_id += 1;
    // SAFETY: a fresh block of `size` bytes.
    unsafe { fill(&b, 0) };
    m.blocks.push(b);
    m.counts.allocations += 1;
    m.add_live(size, 0);
    Some(())
}

fn reallocate<B: Backend>(backend: &mut B, m: &mut Model, input: &mut Input) -> Option<()> {
    let i = input.below(m.blocks.len())?;
    let old = m.blocks[i].size;
    let new = match input.below(2)? {
        // Lua's tables and buffers double (and shrink back).
        0 if old * 2 <= MAX_BLOCK => old * 2,
        0 => old / 2 + 1,
        _ => input.size()?,
    };
    let b = &m.blocks[i];
    // SAFETY: `b` is live with `old` bytes.
    let Some(ptr) = (unsafe { backend.reallocate(b.ptr, layout(old), new) }) else {
        assert!(new > old, "a shrink ({old} -> {new} bytes) failed");
        // SAFETY: the failed request left the block untouched and live.
        unsafe { verify(b, b.ptr, old) };
        m.counts.failed += 1;
        return Some(());
    };
    let b = &m.blocks[i];
    // SAFETY: `ptr` is live with `new >= min` bytes.
    unsafe { verify(b, ptr, old.min(new)) };
    let old_ptr = b.ptr;
    m.unplace(old_ptr);
    m.place(ptr, new);
    let b = &mut m.blocks[i];
    (b.ptr, b.size) = (ptr, new);
    if new > old {
        // SAFETY: `ptr` is live with `new` bytes.
        unsafe { fill(b, old) };
    }
    m.counts.reallocations += 1;
    m.add_live(new, old);
    Some(())
}

fn free<B: Backend>(backend: &mut B, m: &mut Model, input: &mut Input) -> Option<()> {
    let i = input.below(m.blocks.len())?;
    let b = m.blocks.swap_remove(i);
    release(backend, m, b);
    Some(())
}

/// Checks and frees a block that has just left `m.blocks`, and counts the free.
fn release<B: Backend>(backend: &mut B, m: &mut Model, b: Block) {
    // SAFETY: `b` is live in `backend` with `b.size` bytes, and now out of the model.
    unsafe {
        verify(&b, b.ptr, b.size);
        backend.deallocate(b.ptr, layout(b.size));
    }
    m.unplace(b.ptr);
    m.counts.frees += 1;
    m.add_live(0, b.size);
}

/// The limit the decorator stack runs under: some large requests fail.
pub const STACK_LIMIT: usize = 4 << 20;

/// Runs `input` on `backend` bare, then on a fresh `backend` under every decorator
/// (`Stats<Limit<FailAfter<Checked<B>>>>`), checking the statistics exactly against the model,
/// the limit, and that nothing leaks.
pub fn check_backend<B: Backend + Default>(input: Input) {
    let mut bare = B::default();
    run(&mut bare, input.clone(), |_, _| {});

    let mut fail_at = input.clone();
    let nth = fail_at.below(64).unwrap_or(0) as u64 + 1;
    let mut stack = Stats::new(Limit::new(
        FailAfter::new(Checked::new(B::default()), FailMode::Nth(nth)),
        STACK_LIMIT,
    ));
    let end = run(&mut stack, input, |s, model| {
        let st = s.stats();
        let got = Counts {
            live_bytes: st.live_bytes,
            peak_bytes: st.peak_bytes,
            allocations: st.allocations,
            reallocations: st.reallocations,
            frees: st.frees,
            failed: st.failed,
        };
        assert_eq!(got, *model, "Stats disagree with the model");
        assert_eq!(
            st.histogram.iter().sum::<u64>(),
            st.allocations + st.reallocations
        );
        assert!(
            model.live_bytes <= STACK_LIMIT,
            "limit exceeded: {} live",
            model.live_bytes
        );
        assert_eq!(s.inner().live_bytes(), model.live_bytes);
        let f = s.footprint();
        assert!(f.peak_heap_bytes >= f.heap_bytes, "{f:?}");
    });
    assert_eq!(end.live_bytes, 0);
    let leaks = stack.inner().inner().inner().leak_report();
    assert_eq!(
        leaks,
        crate::LeakReport::default(),
        "leaks after freeing everything"
    );
}

/// The fuzz target's body: the fuzzer's bytes drive [`check_backend`] on every backend.
pub fn fuzz_one_input(data: &[u8]) {
    let _ = data; // unused when no backend is compiled in
    #[allow(unused_macros)]
    macro_rules! each {
        ($name:ident, $t:ty) => {
            check_backend::<$t>(Input::Bytes(data));
        };
    }
    crate::for_each_backend!(each);
}
