//! Trace recording and replay.
//!
//! A trace is a byte string of operations, each an op byte and LEB128 varints:
//! `0 id tag nsize` (allocate), `1 id osize nsize` (reallocate), `2 id osize` (free). Ids name
//! blocks by small integers (a freed block's id is reused), stable across reallocation. Only
//! successful requests are recorded; alignment is not (Lua always uses `LUA_MAX_ALIGN`).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{Backend, Footprint, LUA_MAX_ALIGN};

const ALLOC: u8 = 0;
const REALLOC: u8 = 1;
const FREE: u8 = 2;

/// Records every successful request passing through it, for [`replay`].
#[derive(Debug, Default)]
pub struct Trace<B> {
    inner: B,
    trace: Vec<u8>,
    ids: BTreeMap<usize, usize>,
    free_ids: Vec<usize>,
    next_id: usize,
    ops: usize,
}

impl<B: Backend> Trace<B> {
    /// Wraps `inner` with an empty trace.
    pub const fn new(inner: B) -> Self {
        Self {
            inner,
            trace: Vec::new(),
            ids: BTreeMap::new(),
            free_ids: Vec::new(),
            next_id: 0,
            ops: 0,
        }
    }

    /// The trace so far.
    pub fn trace(&self) -> &[u8] {
        &self.trace
    }

    /// Operations recorded so far.
    pub fn ops(&self) -> usize {
        self.ops
    }

    /// Takes the trace so far, leaving it empty (ids of live blocks stay).
    pub fn take_trace(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.trace)
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    fn record(&mut self, op: u8, args: [usize; 3]) {
        self.ops += 1;
        self.trace.push(op);
        let n = if op == FREE { 2 } else { 3 };
        for &v in &args[..n] {
            write_varint(&mut self.trace, v);
        }
    }

    fn id_of(&mut self, ptr: NonNull<u8>) -> usize {
        self.ids
            .remove(&(ptr.as_ptr() as usize))
            .expect("trace: a block this instance never returned")
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(input: &mut &[u8]) -> Option<usize> {
    let mut v = 0usize;
    for shift in (0..usize::BITS).step_by(7) {
        let (&b, rest) = input.split_first()?;
        *input = rest;
        v |= ((b & 0x7f) as usize).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

// SAFETY: every request is forwarded unchanged to `inner`, whose guarantees carry over.
unsafe impl<B: Backend> Backend for Trace<B> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_tagged(layout, 0)
    }

    fn allocate_tagged(&mut self, layout: Layout, tag: usize) -> Option<NonNull<u8>> {
        let p = self.inner.allocate_tagged(layout, tag)?;
        let id = self.free_ids.pop().unwrap_or_else(|| {
            self.next_id += 1;
            self.next_id - 1
        });
        self.ids.insert(p.as_ptr() as usize, id);
        self.record(ALLOC, [id, tag, layout.size()]);
        Some(p)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        let id = self.id_of(ptr);
        self.free_ids.push(id);
        self.record(FREE, [id, layout.size(), 0]);
        // SAFETY: forwarded from the caller.
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded from the caller.
        let p = unsafe { self.inner.reallocate(ptr, old, new_size) }?;
        let id = self.id_of(ptr);
        self.ids.insert(p.as_ptr() as usize, id);
        self.record(REALLOC, [id, old.size(), new_size]);
        Some(p)
    }

    fn footprint(&self) -> Footprint {
        self.inner.footprint()
    }
}

/// What a [`replay`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayResult {
    /// Operations replayed.
    pub ops: usize,
    /// The highest live byte count reached.
    pub peak_live: usize,
    /// Requests the backend refused (the block then stays as it was, or absent).
    pub failed: usize,
    /// Blocks the trace left live (freed by `replay` at the end).
    pub leaked: usize,
}

/// A trace that does not decode, or names blocks inconsistently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// Byte offset of the bad operation.
    pub offset: usize,
}

/// Replays `trace` on `backend` with alignment `LUA_MAX_ALIGN`, then frees what is left.
pub fn replay(trace: &[u8], backend: &mut impl Backend) -> Result<ReplayResult, ReplayError> {
    let mut blocks: Vec<Option<(NonNull<u8>, usize)>> = Vec::new();
    let mut result = ReplayResult::default();
    let mut live = 0usize;
    let mut input = trace;
    let outcome = (|| {
        while let Some((&op, rest)) = input.split_first() {
            let err = ReplayError {
                offset: trace.len() - input.len(),
            };
            input = rest;
            let id = read_varint(&mut input).ok_or(err)?;
            let a = read_varint(&mut input).ok_or(err)?;
            let layout = |size| Layout::from_size_align(size, LUA_MAX_ALIGN).map_err(|_| err);
            match op {
                ALLOC => {
                    let size = read_varint(&mut input).ok_or(err)?;
                    if id >= blocks.len() {
                        blocks.resize(id + 1, None);
                    }
                    if blocks[id].is_some() || size == 0 {
                        return Err(err);
                    }
                    match backend.allocate_tagged(layout(size)?, a) {
                        Some(p) => (blocks[id], live) = (Some((p, size)), live + size),
                        None => result.failed += 1,
                    }
                }
                REALLOC => {
                    let size = read_varint(&mut input).ok_or(err)?;
                    let slot = blocks.get_mut(id).ok_or(err)?;
                    match *slot {
                        Some((p, old)) if size != 0 => {
                            // SAFETY: `p` is live in this backend with `old` bytes.
                            match unsafe { backend.reallocate(p, layout(old)?, size) } {
                                Some(q) => (*slot, live) = (Some((q, size)), live - old + size),
                                None => result.failed += 1,
                            }
                        }
                        None => {}
                        Some(_) => return Err(err),
                    }
                }
                FREE => {
                    if let Some((p, size)) = blocks.get_mut(id).ok_or(err)?.take() {
                        // SAFETY: `p` is live in this backend with `size` bytes; dropped from `blocks`.
                        unsafe { backend.deallocate(p, layout(size)?) };
                        live -= size;
                    }
                }
                _ => return Err(err),
            }
            result.ops += 1;
            result.peak_live = result.peak_live.max(live);
        }
        Ok(())
    })();
    for (p, size) in blocks.iter_mut().filter_map(Option::take) {
        result.leaked += 1;
        // SAFETY: `p` is live in this backend with `size` bytes (a valid layout when allocated).
        unsafe { backend.deallocate(p, Layout::from_size_align_unchecked(size, LUA_MAX_ALIGN)) };
    }
    outcome.map(|()| result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, usize::MAX] {
            write_varint(&mut out, v);
        }
        let mut input = &out[..];
        for v in [0, 1, 127, 128, 300, usize::MAX] {
            assert_eq!(read_varint(&mut input), Some(v));
        }
        assert!(input.is_empty());
    }

    #[test]
    #[cfg(feature = "talc")]
    fn garbage_is_an_error_not_a_crash() {
        let mut b = crate::Talc::new();
        for bad in [
            &[9u8, 0, 0][..],
            &[1, 5, 16, 32],
            &[0, 0, 0, 16, 0, 0, 0, 16],
            &[0, 0xff],
        ] {
            assert!(replay(bad, &mut b).is_err(), "{bad:?}");
        }
    }
}
