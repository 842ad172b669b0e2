//! The backend designed for `lua_Alloc`: headerless size classes for small blocks, talc for the
//! middle sizes, regions of their own for huge blocks.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use super::talc::Talc;
use crate::{Backend, Footprint, GrowthPolicy};

mod huge;
mod page;
#[cfg(test)]
mod tests;

use huge::HugeBlocks;
use page::{
    BORROW_MAX, CLASSES, PAGE, Page, REQUEST, SMALL_MAX, STEP, block_size, class_of, sparse_home,
};

/// Size classes for Lua's small objects, after Luau's allocator (`VM/src/lmem.cpp`), over an
/// embedded [talc](https://crates.io/crates/talc) heap.
///
/// Blocks of up to 128 bytes (most of what Lua allocates: strings, tables, closures, upvalues,
/// call frames) come from 1 KiB pages of one class each, every multiple of Lua's alignment (8
/// bytes on wasm32) being a class. A block has no header: Lua passes the exact size on every
/// free and reallocation, which gives the class, and the page is found by masking the address.
/// Allocating and freeing a small block is O(1): a page's free list or its never-used tail, and
/// per class a list of the pages that have a free block. A page whose last block is freed goes
/// back to the heap (one empty page per class is kept, so a class that allocates and frees one
/// block in turn does not take and return a page each time).
///
/// Classes with only a few live blocks put them in slots of 32, 64 or 128 bytes instead of a
/// page of their own, so a state that has just opened its libraries (a dozen classes, most with
/// one or two blocks) holds 22 KiB for its 15 KiB live on wasm32, not twice that.
///
/// Middle sizes, and the pages themselves, come from talc, which takes granules from the page
/// source as it needs them and gives them back on drop; so small and middle-sized blocks reuse
/// each other's memory. Blocks over 32 KiB get a region of their own (see `huge.rs`), which
/// grows in place when the memory after it is free and goes back to the page source when freed.
///
/// A block keeps its place while its size stays in its class (or size range); otherwise
/// reallocation moves it. Shrinking never fails: if there is no memory for the smaller block,
/// the block stays where it is (a small block keeps its page, whose header names its class; a
/// larger one is remembered in a list, normally empty, that frees consult).
#[derive(Debug)]
pub struct Slab {
    /// Per class, the first page with a free block (null if none).
    available: [*mut Page; CLASSES],
    /// Per class, live blocks of that size in pages of another class: sparse classes borrow
    /// slots of their sparse home; a shrink that could not move keeps its larger slot.
    borrowed: [u32; CLASSES],
    heap: Talc,
    huge: HugeBlocks,
    /// Whether huge blocks get regions of their own (not under a fixed region).
    regions: bool,
    /// Blocks that shrank in place to a size whose blocks live elsewhere (see `strand`);
    /// normally empty.
    stranded: *mut Stranded,
    /// The most the heap and the regions have held together.
    peak: usize,
}

/// Blocks larger than this get a region of their own.
const HUGE: usize = 32 * 1024;

/// Where the blocks of a size live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Home {
    Small(usize),
    Large,
    Huge,
}

/// Where a block lives (which differs from its size's home when it is stranded).
#[derive(Clone, Copy, Debug)]
enum Place {
    /// In a page of class `page`, with a size of class `size`.
    Page { page: usize, size: usize },
    /// In the heap, with that layout.
    Heap(Layout),
    /// In a region of its own.
    Region,
}

/// The record of a stranded block, inside the block after every byte its size may use: after
/// `SMALL_MAX` bytes for a heap block (its size is small), after `HUGE` for a region's.
#[repr(C)]
struct Stranded {
    next: *mut Stranded,
    block: *mut u8,
    /// The block's size in the heap; 0 for a block in a region.
    heap_size: usize,
}

/// Heap blocks are at least this big, so a stranded one has room for its record.
const LARGE_MIN: usize = SMALL_MAX + size_of::<Stranded>();

// SAFETY: a `Slab` owns its pages, heap and regions; nothing else refers to them, and the page
// source is locked.
unsafe impl Send for Slab {}

impl Default for Slab {
    fn default() -> Self {
        Self::new()
    }
}

impl Slab {
    /// A growing heap with the default [`GrowthPolicy`].
    pub const fn new() -> Self {
        Self::with_heap(Talc::new(), true)
    }

    /// A growing heap growing by `policy` (huge blocks take exactly their regions).
    pub const fn with_policy(policy: GrowthPolicy) -> Self {
        Self::with_heap(Talc::with_policy(policy), true)
    }

    /// A heap of one region of at least `bytes` from the page source (given back on drop), which
    /// never grows, huge blocks included: for a hard cap on a state's memory.
    pub fn with_region(bytes: usize) -> Self {
        Self::with_heap(Talc::with_region(bytes), false)
    }

    const fn with_heap(heap: Talc, regions: bool) -> Self {
        Self {
            available: [ptr::null_mut(); CLASSES],
            borrowed: [0; CLASSES],
            heap,
            huge: HugeBlocks::new(),
            regions,
            stranded: ptr::null_mut(),
            peak: 0,
        }
    }

    /// Where blocks of a size live.
    #[inline]
    fn home(&self, size: usize, align: usize) -> Home {
        match class_of(size, align) {
            Some(class) => Home::Small(class),
            None if size > HUGE && align <= STEP && self.regions => Home::Huge,
            None => Home::Large,
        }
    }

    /// Memory held now, heap and regions.
    fn held(&self) -> usize {
        self.heap.footprint().heap_bytes + self.huge.held()
    }

    /// Passes `block` through after noting the memory held, which may have grown.
    #[inline]
    fn noting_growth(&mut self, block: Option<NonNull<u8>>) -> Option<NonNull<u8>> {
        self.peak = self.peak.max(self.held());
        block
    }

    /// A block of `class`.
    #[inline]
    fn allocate_small(&mut self, class: usize) -> Option<NonNull<u8>> {
        let mut page = self.available[class];
        if page.is_null() {
            page = self.page_for(class)?;
        }
        // SAFETY: pages on the list are live and not full.
        unsafe {
            let block = Page::take(page);
            if (*page).is_full() {
                self.unlink(page);
            }
            Some(block)
        }
    }

    /// A page with a free slot for a block of `class`, which has none of its own: its sparse
    /// home while it has few blocks, else a new page of its own.
    #[cold]
    fn page_for(&mut self, class: usize) -> Option<*mut Page> {
        let home = sparse_home(class);
        if home == class || self.borrowed[class] >= BORROW_MAX {
            return self.new_page(class);
        }
        let page = match self.available[home] {
            page if page.is_null() => self.new_page(home)?,
            page => page,
        };
        self.borrowed[class] += 1;
        Some(page)
    }

    /// Counts a block of a page of class `page` whose size's class changes from `from` to `to`.
    fn relabel(&mut self, page: usize, from: usize, to: usize) {
        if from != page {
            self.borrowed[from] -= 1;
        }
        if to != page {
            self.borrowed[to] += 1;
        }
    }

    /// Frees a small block whose size is of class `size_class`.
    ///
    /// # Safety
    /// `block` is a live block of one of our pages, not stranded, not used afterwards.
    #[inline]
    unsafe fn free_small(&mut self, block: NonNull<u8>, size_class: usize) {
        let page = Page::of(block);
        // SAFETY: the block lies in a live page of ours, whose header names its class.
        unsafe {
            let class = (*page).class as usize;
            if class != size_class {
                self.borrowed[size_class] -= 1;
            }
            let was_full = (*page).is_full();
            Page::put(page, block);
            if was_full {
                self.push(page);
            }
            if (*page).live == 0 && !self.is_alone(page) {
                self.unlink(page);
                self.heap
                    .deallocate(NonNull::new_unchecked(page.cast()), page_layout());
            }
        }
    }

    /// Takes a page for `class` from the heap and lists it.
    fn new_page(&mut self, class: usize) -> Option<*mut Page> {
        let page = self.heap.allocate(page_layout());
        let page = self.noting_growth(page)?.cast::<Page>().as_ptr();
        // SAFETY: a fresh, page-aligned block of `REQUEST` bytes, ours.
        unsafe {
            page.write(Page::new(class));
            self.push(page);
        }
        Some(page)
    }

    /// Puts a page at the head of its class's list.
    ///
    /// # Safety
    /// `page` is a live page header, not listed.
    unsafe fn push(&mut self, page: *mut Page) {
        // SAFETY: per the caller; the list's pages are live.
        unsafe {
            let head = &mut self.available[(*page).class as usize];
            (*page).prev = ptr::null_mut();
            (*page).next = *head;
            if let Some(next) = head.as_mut() {
                next.prev = page;
            }
            *head = page;
        }
    }

    /// Takes a page off its class's list.
    ///
    /// # Safety
    /// `page` is a live, listed page header.
    unsafe fn unlink(&mut self, page: *mut Page) {
        // SAFETY: per the caller; its neighbours are listed, so live.
        unsafe {
            let p = &mut *page;
            match p.prev.as_mut() {
                Some(prev) => prev.next = p.next,
                None => self.available[p.class as usize] = p.next,
            }
            if let Some(next) = p.next.as_mut() {
                next.prev = p.prev;
            }
            (p.prev, p.next) = (ptr::null_mut(), ptr::null_mut());
        }
    }

    /// Whether a listed page is the only one of its class.
    ///
    /// # Safety
    /// `page` is a live, listed page header.
    unsafe fn is_alone(&self, page: *mut Page) -> bool {
        // SAFETY: per the caller.
        unsafe { (*page).prev.is_null() && (*page).next.is_null() }
    }

    /// Where a live block passed with `layout` lives, and its record if it is stranded.
    ///
    /// # Safety
    /// `block` is a live block of ours with `layout`.
    unsafe fn locate(&self, block: NonNull<u8>, layout: Layout) -> (Place, *mut Stranded) {
        let home = self.home(layout.size(), layout.align());
        if home != Home::Huge {
            if let Some(record) = self.find_stranded(block) {
                // SAFETY: records on the list are live.
                let heap_size = unsafe { (*record).heap_size };
                let place = match heap_size {
                    0 => Place::Region,
                    // SAFETY: the layout the block was allocated with in the heap.
                    size => Place::Heap(unsafe {
                        Layout::from_size_align_unchecked(size, layout.align())
                    }),
                };
                return (place, record);
            }
        }
        let place = match home {
            Home::Small(size) => Place::Page {
                // SAFETY: a small block, not stranded, lies in a live page of ours.
                page: unsafe { (*Page::of(block)).class } as usize,
                size,
            },
            Home::Large => match large_layout(layout) {
                Some(heap) => Place::Heap(heap),
                None => unreachable!("a live block's heap layout is valid"),
            },
            Home::Huge => Place::Region,
        };
        (place, ptr::null_mut())
    }

    /// Frees a block where it lives.
    ///
    /// # Safety
    /// `block` is a live block of ours at `place`, not stranded (any more), not used afterwards.
    unsafe fn free_at(&mut self, block: NonNull<u8>, place: Place) {
        // SAFETY: per the caller.
        unsafe {
            match place {
                Place::Page { size, .. } => self.free_small(block, size),
                Place::Heap(heap) => self.heap.deallocate(block, heap),
                Place::Region => self.huge.deallocate(block),
            }
        }
    }

    /// If `block` is stranded, its record.
    #[inline]
    fn find_stranded(&self, block: NonNull<u8>) -> Option<*mut Stranded> {
        let mut at = self.stranded;
        while !at.is_null() {
            // SAFETY: records on the list are live (their blocks are).
            unsafe {
                if (*at).block == block.as_ptr() {
                    return Some(at);
                }
                at = (*at).next;
            }
        }
        None
    }

    /// Takes a record off the list (null: nothing to do).
    ///
    /// # Safety
    /// `record` is null or on the list.
    unsafe fn unstrand(&mut self, record: *mut Stranded) {
        if record.is_null() {
            return;
        }
        let mut link = &raw mut self.stranded;
        // SAFETY: records on the list are live; `record` is one of them.
        unsafe {
            while *link != record {
                link = &raw mut (**link).next;
            }
            *link = (*record).next;
        }
    }

    /// Lets a heap or region block that shrank in place pass as a block of a size whose blocks
    /// live elsewhere (done when no block of that size could be had): frees and reallocations
    /// of such sizes look on the list first.
    ///
    /// # Safety
    /// `block` is a live block of ours at `place` (not a page), not stranded, whose size is from
    /// now on below `SMALL_MAX` (heap) or `HUGE` (region).
    unsafe fn strand(&mut self, block: NonNull<u8>, place: Place) {
        let (offset, heap_size) = match place {
            Place::Heap(heap) => (SMALL_MAX, heap.size()),
            Place::Region => (HUGE, 0),
            Place::Page { .. } => unreachable!("a small block keeps its class in its page"),
        };
        let record = block.as_ptr().wrapping_add(offset).cast::<Stranded>();
        // SAFETY: heap blocks are at least `LARGE_MIN` bytes and regions hold more than `HUGE`
        // plus a granule, so the record lies inside the block, after every byte its size uses.
        unsafe {
            record.write(Stranded {
                next: self.stranded,
                block: block.as_ptr(),
                heap_size,
            })
        };
        self.stranded = record;
    }

    /// Reallocates a heap block to a large size (in place when talc can).
    ///
    /// # Safety
    /// `block` is live in the heap with `heap`; `record` is its record if it is stranded (or
    /// null).
    unsafe fn reallocate_large(
        &mut self,
        block: NonNull<u8>,
        heap: Layout,
        new: Layout,
        record: *mut Stranded,
    ) -> Option<NonNull<u8>> {
        let new_heap = large_layout(new)?;
        // SAFETY: the record leaves the list before the block may move (and its old place be
        // freed); it comes back if the block stays.
        unsafe { self.unstrand(record) };
        // SAFETY: forwarded from the caller; on failure the block is untouched.
        let moved = unsafe { self.heap.reallocate(block, heap, new_heap.size()) };
        let moved = self.noting_growth(moved);
        if moved.is_none() && !record.is_null() {
            // SAFETY: the block is untouched: still in the heap with `heap`, passing as small.
            unsafe { self.strand(block, Place::Heap(heap)) };
        }
        moved
    }
}

/// The heap layout of a page.
fn page_layout() -> Layout {
    // SAFETY: `REQUEST` is below `PAGE`, a power of two, far from overflow.
    unsafe { Layout::from_size_align_unchecked(REQUEST, PAGE) }
}

/// The heap layout of a middle-sized block.
fn large_layout(layout: Layout) -> Option<Layout> {
    Layout::from_size_align(layout.size().max(LARGE_MIN), layout.align()).ok()
}

// SAFETY: small blocks are disjoint slots of pages (each page a disjoint block of the heap),
// aligned to `STEP` (pages are page-aligned and the header and every class size are multiples of
// `STEP`), at least their class's size; middle-sized blocks are talc's, which upholds the same;
// huge blocks follow a `STEP`-aligned header in regions of their own. A reallocation keeps the
// block while the new size fits where it lives, else copies `min(old, new)` bytes to a new
// block. Failures return `None` with the block untouched. Shrinking never fails: when no smaller
// block can be had the block stays (see the type's documentation).
unsafe impl Backend for Slab {
    fn name(&self) -> &'static str {
        "slab"
    }

    #[inline]
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        match self.home(layout.size(), layout.align()) {
            Home::Small(class) => self.allocate_small(class),
            Home::Large => {
                let block = self.heap.allocate(large_layout(layout)?);
                self.noting_growth(block)
            }
            Home::Huge => {
                let block = self.huge.allocate(layout.size());
                self.noting_growth(block)
            }
        }
    }

    #[inline]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        if !self.stranded.is_null() {
            // SAFETY: per the caller, a live block of ours with `layout`.
            let (place, record) = unsafe { self.locate(ptr, layout) };
            // SAFETY: as above; the record (if any) leaves the list first.
            unsafe {
                self.unstrand(record);
                self.free_at(ptr, place);
            }
            return;
        }
        // SAFETY: per the caller, a live block of ours with `layout`, and nothing is stranded.
        unsafe {
            match self.home(layout.size(), layout.align()) {
                Home::Small(class) => self.free_small(ptr, class),
                Home::Large => {
                    if let Some(heap) = large_layout(layout) {
                        self.heap.deallocate(ptr, heap);
                    }
                }
                Home::Huge => self.huge.deallocate(ptr),
            }
        }
    }

    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        let to = self.home(new_size, new.align());
        // SAFETY: per the caller, a live block of ours with `old`.
        let (place, record) = unsafe { self.locate(ptr, old) };
        match (place, to) {
            // The slot fits: the class of the slot, or the one the block had.
            (Place::Page { page, size }, Home::Small(c)) if c == page || c == size => {
                self.relabel(page, size, c);
                return Some(ptr);
            }
            (Place::Heap(heap), Home::Large) => {
                // SAFETY: live in the heap with `heap`; `record` is its record or null.
                return unsafe { self.reallocate_large(ptr, heap, new, record) };
            }
            // SAFETY: a live huge block of ours.
            (Place::Region, Home::Huge) if unsafe { self.huge.resize_in_place(ptr, new_size) } => {
                // SAFETY: the record, if any, is on the list.
                unsafe { self.unstrand(record) };
                return self.noting_growth(Some(ptr));
            }
            _ => {}
        }
        if let Some(fresh) = self.allocate(new) {
            // SAFETY: `fresh` is new and disjoint from the live `ptr`; both hold `min` bytes;
            // `ptr` leaves the list (if stranded) and is freed where it lives.
            unsafe {
                ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.size().min(new_size));
                self.unstrand(record);
                self.free_at(ptr, place);
            }
            return Some(fresh);
        }
        // No memory for a new block: a shrink stays where it is.
        match (place, to) {
            (Place::Page { page, size }, Home::Small(c)) if new_size <= block_size(page) => {
                self.relabel(page, size, c);
                Some(ptr)
            }
            (Place::Heap(heap), Home::Small(_)) => {
                debug_assert!(new_size <= heap.size());
                if record.is_null() {
                    // SAFETY: live in the heap, now passing as small.
                    unsafe { self.strand(ptr, place) };
                }
                Some(ptr)
            }
            (Place::Region, Home::Small(_) | Home::Large) => {
                if record.is_null() {
                    // SAFETY: a live region block, now passing as a smaller size.
                    unsafe { self.strand(ptr, place) };
                }
                Some(ptr)
            }
            _ => None,
        }
    }

    fn footprint(&self) -> Footprint {
        let heap = self.heap.footprint();
        Footprint {
            heap_bytes: heap.heap_bytes + self.huge.held(),
            grow_count: heap.grow_count + self.huge.grows(),
            peak_heap_bytes: self.peak,
        }
    }
}
