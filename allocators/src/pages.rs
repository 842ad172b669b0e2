//! The process-wide page source: every growing backend takes its regions here and gives them
//! back when dropped.
//!
//! Memory comes in regions of whole 64 KiB pages. On wasm32 new pages come from `memory.grow`;
//! natively from one arena reserved lazily from the host allocator (never given back, like linear
//! memory). Returned regions go to a free list kept inside the free memory itself (sorted by
//! address, adjacent regions coalesced, first fit), so the source itself never allocates and a
//! page that creates and closes many Lua states in turn reuses the same memory.
//!
//! Growth counters are process-wide: see [`stats`].

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

/// The granule of the page source: one WebAssembly page.
pub const PAGE_SIZE: usize = 64 * 1024;

/// A range of whole pages taken from the page source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte; aligned to at least [`PAGE_SIZE`].
    pub base: NonNull<u8>,
    /// Length in bytes; a multiple of [`PAGE_SIZE`].
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

/// Takes a region of at least `size` bytes (rounded up to whole pages) whose base is aligned to
/// `align` (a power of two; at least [`PAGE_SIZE`] is used). Reuses free memory first fit, else
/// grows memory. `None` when memory cannot grow any more.
pub fn acquire(size: usize, align: usize) -> Option<Region> {
    assert!(
        align.is_power_of_two(),
        "region alignment must be a power of two"
    );
    let size = crate::align_up(size.max(1), PAGE_SIZE)?;
    let align = align.max(PAGE_SIZE);
    SOURCE.with(|s| s.acquire(size, align))
}

/// Gives pages back for reuse.
///
/// # Safety
/// `region` lies within memory acquired from this source (it may span several acquired regions
/// or be part of one), its base and size are multiples of [`PAGE_SIZE`], no byte of it is free
/// already, and nothing uses it afterwards.
pub unsafe fn release(region: Region) {
    debug_assert!(region.base.as_ptr() as usize % PAGE_SIZE == 0 && region.size % PAGE_SIZE == 0);
    if region.size != 0 {
        // SAFETY: forwarded from the caller.
        SOURCE.with(|s| unsafe { s.insert(region.base.as_ptr() as usize, region.size) });
    }
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
        // (regions are page-aligned, so the node is aligned).
        unsafe { self.node(addr).read() }
    }

    fn write(&mut self, addr: usize, node: FreeNode) {
        // SAFETY: `addr` is the base of a free region (at least one page) that we own.
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
        let grow = end - top;
        let base = self.memory.grow(grow / PAGE_SIZE)?;
        self.stats.grow_calls += 1;
        self.stats.grown_bytes += grow;
        // SAFETY: the pages were just grown: ours, not in the list.
        unsafe { self.insert(base, grow) };
        self.take_first_fit(size, align)
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
    /// The range is page-aligned memory of this source, owned by the caller, not already free.
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
