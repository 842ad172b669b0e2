//! The process-wide page source: every growing backend takes its regions here and gives them
//! back when dropped.
//!
//! Memory comes in regions of whole [`GRANULE`]s (2 KiB), so many small states share each 64 KiB
//! WebAssembly page instead of holding one each. On wasm32 memory grows with `memory.grow` by
//! whole [`PAGE_SIZE`] pages; natively from one arena reserved lazily from the host allocator
//! (never given back, like linear memory). The part of a growth that a request does not need, and
//! returned regions, go to a free list kept inside the free memory itself (sorted by address,
//! adjacent regions coalesced, first fit), so the source itself never allocates and a page that
//! creates and closes many Lua states in turn reuses the same memory.
//!
//! Each backend instance counts the regions it holds ([`Footprint`](crate::Footprint)), so the
//! memory of one state stays exact while states share pages. Growth counters are process-wide:
//! see [`stats`] and [`linear_memory_bytes`].

use core::ptr::NonNull;

use crate::lock::Lock;

#[cfg(target_arch = "wasm32")]
#[path = "pages/wasm.rs"]
mod memory;
#[cfg(not(target_arch = "wasm32"))]
#[path = "pages/native.rs"]
mod memory;

#[cfg(test)]
mod tests;

/// One WebAssembly page: the unit in which memory grows.
pub const PAGE_SIZE: usize = 64 * 1024;

/// The unit of regions: sizes and alignments of what [`acquire`] hands out are multiples of it.
pub const GRANULE: usize = 2 * 1024;

/// A range of whole granules taken from the page source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte; aligned to at least [`GRANULE`].
    pub base: NonNull<u8>,
    /// Length in bytes; a multiple of [`GRANULE`].
    pub size: usize,
}

impl Region {
    /// One past the last byte, as an address.
    pub fn end_addr(&self) -> usize {
        self.base.as_ptr() as usize + self.size
    }
}

/// Process-wide counters of the page source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageStats {
    /// How many times memory was grown (`memory.grow` calls on wasm).
    pub grow_calls: usize,
    /// Bytes grown in total. Linear memory never shrinks, so this is what the page source has
    /// added to the module's memory.
    pub grown_bytes: usize,
    /// Bytes currently in the free list, ready for reuse.
    pub free_bytes: usize,
    /// Number of separate free regions (after coalescing).
    pub free_regions: usize,
}

/// Reads the process-wide counters.
pub fn stats() -> PageStats {
    SOURCE.with(|s| s.stats)
}

/// The module's whole linear memory in bytes, as `WebAssembly.Memory` reports it (static data,
/// the stack and every page grown since). Natively, the bytes the page source's arena has grown:
/// what linear memory would have grown by.
pub fn linear_memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) * PAGE_SIZE
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        stats().grown_bytes
    }
}

/// Takes a region of at least `size` bytes (rounded up to whole granules) whose base is aligned
/// to `align` (a power of two; at least [`GRANULE`] is used). Reuses free memory first fit, else
/// grows memory by whole pages. `None` when memory cannot grow any more.
pub fn acquire(size: usize, align: usize) -> Option<Region> {
    assert!(
        align.is_power_of_two(),
        "region alignment must be a power of two"
    );
    let size = crate::align_up(size.max(1), GRANULE)?;
    let align = align.max(GRANULE);
    SOURCE.with(|s| s.acquire(size, align))
}

/// Gives granules back for reuse.
///
/// # Safety
/// `region` lies within memory acquired from this source (it may span several acquired regions
/// or be part of one), its base and size are multiples of [`GRANULE`], no byte of it is free
/// already, and nothing uses it afterwards.
pub unsafe fn release(region: Region) {
    debug_assert!(region.base.as_ptr() as usize % GRANULE == 0 && region.size % GRANULE == 0);
    if region.size != 0 {
        // SAFETY: forwarded from the caller.
        SOURCE.with(|s| unsafe { s.insert(region.base.as_ptr() as usize, region.size) });
    }
}

/// Resizes a region in place. A smaller size (rounded up to whole granules) gives the tail back;
/// a larger one takes the granules right after the region if they are free, or lie past the end
/// of memory, which then grows. `None`, with the region unchanged, when they are taken.
///
/// # Safety
/// `region` was acquired from this source (or returned by this function), is owned by the
/// caller, and its tail is not used after a shrink.
pub unsafe fn resize_in_place(region: Region, size: usize) -> Option<Region> {
    let size = crate::align_up(size.max(1), GRANULE)?;
    if size <= region.size {
        if size < region.size {
            // SAFETY: the tail is ours and unused from now on; `size < region.size`.
            unsafe {
                release(Region {
                    base: region.base.add(size),
                    size: region.size - size,
                })
            };
        }
        return Some(Region {
            base: region.base,
            size,
        });
    }
    SOURCE
        .with(|s| s.take_at(region.end_addr(), size - region.size))
        .then_some(Region {
            base: region.base,
            size,
        })
}

static SOURCE: Lock<Source> = Lock::new(Source::new());

/// The header written at the start of every free region.
#[repr(C)]
struct FreeNode {
    size: usize,
    /// Address of the next free region (higher), or 0.
    next: usize,
}

struct Source {
    /// Address of the lowest free region, or 0.
    head: usize,
    stats: PageStats,
    memory: memory::Memory,
}

// SAFETY: `Source` owns the free regions its addresses name; nothing else refers to them, so it
// may move between threads (it is only ever used behind `Lock`).
unsafe impl Send for Source {}

impl Source {
    const fn new() -> Self {
        Self {
            head: 0,
            stats: PageStats {
                grow_calls: 0,
                grown_bytes: 0,
                free_bytes: 0,
                free_regions: 0,
            },
            memory: memory::Memory::new(),
        }
    }

    fn node(&self, addr: usize) -> *mut FreeNode {
        self.memory.ptr(addr).cast()
    }

    /// Reads the free-list node at `addr`.
    fn read(&self, addr: usize) -> FreeNode {
        // SAFETY: `addr` is the base of a free region in our list; its first bytes hold a node
        // (regions are granule-aligned, so the node is aligned).
        unsafe { self.node(addr).read() }
    }

    fn write(&mut self, addr: usize, node: FreeNode) {
        // SAFETY: `addr` is the base of a free region (at least one granule) that we own.
        unsafe { self.node(addr).write(node) }
    }

    /// Points the link before `node` (the list head if `prev` is 0) at `to`.
    fn relink(&mut self, prev: usize, to: usize) {
        if prev == 0 {
            self.head = to;
        } else {
            let p = self.read(prev);
            self.write(prev, FreeNode { next: to, ..p });
        }
    }

    fn acquire(&mut self, size: usize, align: usize) -> Option<Region> {
        if let Some(region) = self.take_first_fit(size, align) {
            return Some(region);
        }
        // Grow. If the highest free region ends at the top of memory, growth continues it.
        let top = self.memory.top()?;
        let mut start = top;
        let mut at = self.head;
        while at != 0 {
            let n = self.read(at);
            if at + n.size == top {
                start = at;
            }
            at = n.next;
        }
        let end = crate::align_up(start, align)?.checked_add(size)?;
        let grow = crate::align_up(end - top, PAGE_SIZE)?;
        let base = self.memory.grow(grow / PAGE_SIZE)?;
        self.stats.grow_calls += 1;
        self.stats.grown_bytes += grow;
        // SAFETY: the pages were just grown: ours, not in the list.
        unsafe { self.insert(base, grow) };
        self.take_first_fit(size, align)
    }

    /// Takes `[addr, addr + len)` if it is free, growing memory when the free run starting at
    /// `addr` (possibly empty) ends at the top of memory.
    fn take_at(&mut self, addr: usize, len: usize) -> bool {
        let (mut prev, mut at) = (0, self.head);
        while at != 0 && at < addr {
            (prev, at) = (at, self.read(at).next);
        }
        let free_here = if at == addr { self.read(at).size } else { 0 };
        if free_here < len {
            let grew = (|| {
                let top = self.memory.top()?;
                if addr.checked_add(free_here)? != top {
                    return None;
                }
                let grow = crate::align_up(len - free_here, PAGE_SIZE)?;
                let base = self.memory.grow(grow / PAGE_SIZE)?;
                self.stats.grow_calls += 1;
                self.stats.grown_bytes += grow;
                // SAFETY: the pages were just grown: ours, not in the list. They continue the
                // free run at `addr`, with which they coalesce.
                unsafe { self.insert(base, grow) };
                Some(())
            })();
            // Now the run at `addr` is long enough, so this does not come back here.
            return grew.is_some() && self.take_at(addr, len);
        }
        let n = self.read(at);
        let after = if free_here > len {
            self.write(
                addr + len,
                FreeNode {
                    size: free_here - len,
                    next: n.next,
                },
            );
            addr + len
        } else {
            self.stats.free_regions -= 1;
            n.next
        };
        self.relink(prev, after);
        self.stats.free_bytes -= len;
        true
    }

    fn take_first_fit(&mut self, size: usize, align: usize) -> Option<Region> {
        let (mut prev, mut at) = (0, self.head);
        while at != 0 {
            let n = self.read(at);
            let end = at + n.size;
            if let Some(a) = crate::align_up(at, align) {
                if a.checked_add(size).is_some_and(|e| e <= end) {
                    let (prefix, suffix) = (a - at, end - (a + size));
                    let after = if suffix != 0 {
                        self.write(
                            a + size,
                            FreeNode {
                                size: suffix,
                                next: n.next,
                            },
                        );
                        a + size
                    } else {
                        n.next
                    };
                    if prefix != 0 {
                        self.write(
                            at,
                            FreeNode {
                                size: prefix,
                                next: after,
                            },
                        );
                    } else {
                        self.relink(prev, after);
                    }
                    self.stats.free_bytes -= size;
                    self.stats.free_regions =
                        self.stats.free_regions + (prefix != 0) as usize + (suffix != 0) as usize
                            - 1;
                    let base = NonNull::new(self.memory.ptr(a))?;
                    return Some(Region { base, size });
                }
            }
            (prev, at) = (at, n.next);
        }
        None
    }

    /// Adds `[base, base + size)` to the free list, coalescing with its neighbours.
    ///
    /// # Safety
    /// The range is granule-aligned memory of this source, owned by the caller, not already free.
    unsafe fn insert(&mut self, base: usize, size: usize) {
        let (mut prev, mut next) = (0, self.head);
        while next != 0 && next < base {
            prev = next;
            next = self.read(next).next;
        }
        debug_assert!(
            next == 0 || base + size <= next,
            "released region overlaps a free one"
        );
        self.stats.free_bytes += size;
        self.stats.free_regions += 1;
        let (mut base, mut size, mut after) = (base, size, next);
        if next != 0 && base + size == next {
            let n = self.read(next);
            size += n.size;
            after = n.next;
            self.stats.free_regions -= 1;
        }
        if prev != 0 {
            let p = self.read(prev);
            debug_assert!(prev + p.size <= base, "released region overlaps a free one");
            if prev + p.size == base {
                base = prev;
                size += p.size;
                self.stats.free_regions -= 1;
                self.write(base, FreeNode { size, next: after });
                return;
            }
        }
        self.write(base, FreeNode { size, next: after });
        self.relink(prev, base);
    }
}
