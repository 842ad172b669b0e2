use super::page::{BORROW_MAX, HEADER, STEP, sparse_home};
use super::*;
use crate::model::{Input, run};
use crate::{Checked, LUA_MAX_ALIGN};
use std::vec::Vec;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap()
}

fn addr(p: NonNull<u8>) -> usize {
    p.as_ptr() as usize
}

#[test]
fn small_blocks_are_packed_without_headers() {
    let mut s = Slab::new();
    let blocks: Vec<_> = (0..40).map(|_| s.allocate(layout(30)).unwrap()).collect();
    let first = addr(blocks[0]);
    assert_eq!(
        first % PAGE,
        HEADER,
        "the first block follows the page header"
    );
    for (i, b) in blocks.iter().enumerate().take(10) {
        assert_eq!(addr(*b), first + i * 32, "30 bytes take a 32-byte slot");
    }
    // SAFETY: each block is live with that layout and freed once.
    unsafe {
        s.deallocate(blocks[3], layout(30));
        assert_eq!(
            s.allocate(layout(25)),
            Some(blocks[3]),
            "same class: the freed slot"
        );
        for b in blocks {
            s.deallocate(b, layout(30));
        }
    }
}

#[test]
fn pages_lie_back_to_back() {
    // One region: with a growing heap, other tests' regions may come between two of ours.
    let mut s = Slab::with_region(64 * 1024);
    let per_page = (REQUEST - HEADER) / 64;
    let blocks: Vec<_> = (0..4 * per_page)
        .map(|_| s.allocate(layout(64)).unwrap())
        .collect();
    let mut pages: Vec<usize> = blocks.iter().map(|b| addr(*b) / PAGE).collect();
    pages.dedup();
    assert_eq!(pages.len(), 4);
    assert!(
        pages.windows(2).all(|w| w[1] == w[0] + 1),
        "pages {pages:x?}: talc's tag or chunk unit changed, leaving gaps between pages"
    );
}

/// Freed pages go back to the heap, where large blocks reuse them.
#[test]
fn empty_pages_are_reused_for_large_blocks() {
    let mut s = Slab::new();
    let small: Vec<_> = (0..20_000)
        .map(|_| s.allocate(layout(48)).unwrap())
        .collect();
    let held = s.footprint().heap_bytes;
    for b in small {
        // SAFETY: live with that layout, freed once.
        unsafe { s.deallocate(b, layout(48)) };
    }
    let large: Vec<_> = (0..(held / 2) / 4096)
        .map(|_| s.allocate(layout(4000)).unwrap())
        .collect();
    assert_eq!(
        s.footprint().heap_bytes,
        held,
        "large blocks did not reuse the freed pages"
    );
    for b in large {
        // SAFETY: live with that layout, freed once.
        unsafe { s.deallocate(b, layout(4000)) };
    }
}

#[test]
fn reallocation_keeps_the_class_or_moves() {
    let mut s = Slab::new();
    let p = s.allocate(layout(20)).unwrap();
    // SAFETY: `p` is live with the sizes passed; written before each move.
    unsafe {
        p.as_ptr().write_bytes(7, 20);
        assert_eq!(
            s.reallocate(p, layout(20), 24),
            Some(p),
            "same class: in place"
        );
        let q = s.reallocate(p, layout(24), 100).unwrap();
        assert_ne!(p, q);
        assert!((0..20).all(|i| *q.as_ptr().add(i) == 7));
        let r = s.reallocate(q, layout(100), 5000).unwrap();
        assert!((0..20).all(|i| *r.as_ptr().add(i) == 7));
        let t = s.reallocate(r, layout(5000), 10).unwrap();
        assert!((0..10).all(|i| *t.as_ptr().add(i) == 7));
        assert_eq!(
            (*Page::of(t)).class as usize,
            sparse_home(class_of(10, STEP).unwrap()),
            "back in a page, its class's sparse home"
        );
        s.deallocate(t, layout(10));
    }
}

/// Fills a capped heap with 128-byte blocks until nothing more fits.
fn fill(s: &mut Slab) -> Vec<NonNull<u8>> {
    core::iter::from_fn(|| s.allocate(layout(SMALL_MAX)))
        .take(100_000)
        .collect()
}

#[test]
fn a_small_shrink_without_memory_keeps_the_block() {
    let mut s = Slab::with_region(16 * 1024);
    let full = fill(&mut s);
    assert!(
        full.len() > 50 && s.allocate(layout(8)).is_none(),
        "the heap is full"
    );
    let p = full[0];
    // SAFETY: live blocks with the sizes passed.
    unsafe {
        assert_eq!(s.reallocate(p, layout(SMALL_MAX), 8), Some(p));
        assert_eq!(
            s.reallocate(p, layout(8), 16),
            Some(p),
            "still fits its page's class"
        );
        s.deallocate(p, layout(16));
        assert_eq!(
            s.allocate(layout(SMALL_MAX)),
            Some(p),
            "its slot is a 128-byte slot again"
        );
    }
}

#[test]
fn a_large_shrink_without_memory_strands_the_block() {
    let mut s = Slab::with_region(16 * 1024);
    let big = s.allocate(layout(1000)).unwrap();
    let full = fill(&mut s);
    assert!(s.allocate(layout(8)).is_none(), "the heap is full");
    // SAFETY: live blocks with the sizes passed.
    unsafe {
        big.as_ptr().write_bytes(3, 1000);
        assert_eq!(s.reallocate(big, layout(1000), 16), Some(big));
        assert!(!s.stranded.is_null());
        assert_eq!(
            s.reallocate(big, layout(16), 40),
            Some(big),
            "any small size fits"
        );
        assert!((0..16).all(|i| *big.as_ptr().add(i) == 3));
        // Room for small blocks again: the next small reallocation moves it out.
        for p in full {
            s.deallocate(p, layout(SMALL_MAX));
        }
        let moved = s.reallocate(big, layout(40), 30).unwrap();
        assert_ne!(moved, big);
        assert!(s.stranded.is_null());
        assert!((0..16).all(|i| *moved.as_ptr().add(i) == 3));
        s.deallocate(moved, layout(30));
        // The large block's memory is back in the heap.
        assert!(s.allocate(layout(900)).is_some());
    }
}

#[test]
fn a_stranded_block_is_freed_and_grown_from_the_list() {
    let mut s = Slab::with_region(16 * 1024);
    let a = s.allocate(layout(1000)).unwrap();
    let b = s.allocate(layout(600)).unwrap();
    let full = fill(&mut s);
    // SAFETY: live blocks with the sizes passed.
    unsafe {
        assert_eq!(s.reallocate(a, layout(1000), 100), Some(a));
        assert_eq!(s.reallocate(b, layout(600), 64), Some(b));
        s.deallocate(a, layout(100));
        assert_eq!(s.find_stranded(a), None);
        assert!(s.find_stranded(b).is_some());
        for p in full {
            s.deallocate(p, layout(SMALL_MAX));
        }
        let grown = s.reallocate(b, layout(64), 3000).unwrap();
        assert!(s.stranded.is_null());
        s.deallocate(grown, layout(3000));
    }
}

/// The shadow model over a capped heap, under `Checked`: shrinks under memory pressure keep or
/// strand blocks, and everything stays intact.
#[test]
fn model_under_a_memory_cap() {
    for seed in [5, 6, 7, 8] {
        let mut s = Checked::new(Slab::with_region(192 * 1024));
        let counts = run(&mut s, Input::seeded(seed, 4_000), |_, _| {});
        assert!(counts.failed > 0, "the cap was reached");
        assert_eq!(s.leak_report(), crate::LeakReport::default());
        assert!(s.inner().stranded.is_null());
        assert_eq!(s.inner().borrowed, [0; CLASSES]);
    }
}

#[test]
fn classes_cover_every_small_size() {
    for size in 1..=SMALL_MAX {
        let class = class_of(size, STEP).unwrap();
        assert!(block_size(class) >= size && block_size(class) < size + STEP);
    }
    assert_eq!(class_of(SMALL_MAX + 1, STEP), None);
    assert_eq!(
        class_of(8, 2 * STEP),
        None,
        "larger alignments go to the heap"
    );
}

/// The first blocks of a class go to its sparse home's pages; then it gets pages of its own.
#[test]
fn sparse_classes_borrow_then_get_pages() {
    let mut s = Slab::new();
    let class = class_of(8, STEP).unwrap();
    let home = sparse_home(class);
    assert_ne!(class, home);
    let blocks: Vec<_> = (0..BORROW_MAX + 3)
        .map(|_| s.allocate(layout(8)).unwrap())
        .collect();
    // SAFETY: live blocks of ours: their pages are live.
    let classes: Vec<usize> = blocks
        .iter()
        .map(|b| unsafe { (*Page::of(*b)).class } as usize)
        .collect();
    let borrowed = BORROW_MAX as usize;
    assert!(
        classes[..borrowed].iter().all(|&c| c == home),
        "{classes:?}"
    );
    assert!(
        classes[borrowed..].iter().all(|&c| c == class),
        "{classes:?}"
    );
    assert_eq!(s.borrowed[class], BORROW_MAX);
    // SAFETY: live with 8 bytes; the first is resized within its slot, then all are freed.
    unsafe {
        assert_eq!(
            s.reallocate(blocks[0], layout(8), block_size(home)),
            Some(blocks[0])
        );
        assert_eq!(
            s.borrowed[class],
            BORROW_MAX - 1,
            "it is a block of its page's class now"
        );
        s.deallocate(blocks[0], layout(block_size(home)));
        for b in &blocks[1..] {
            s.deallocate(*b, layout(8));
        }
    }
    assert_eq!(s.borrowed, [0; CLASSES]);
}

#[test]
fn huge_blocks_have_regions_of_their_own() {
    let mut s = Slab::new();
    let big = 100_000;
    let p = s.allocate(layout(big)).unwrap();
    assert!(s.huge.held() >= big);
    // SAFETY: `p` is live with the sizes passed; written before each resize.
    unsafe {
        p.as_ptr().write_bytes(9, big);
        let q = s.reallocate(p, layout(big), 3 * big).unwrap();
        assert!((0..big).all(|i| *q.as_ptr().add(i) == 9));
        assert!(s.huge.held() >= 3 * big);
        let r = s.reallocate(q, layout(3 * big), 1000).unwrap();
        assert!((0..1000).all(|i| *r.as_ptr().add(i) == 9));
        assert_eq!(s.huge.held(), 0, "the region went back to the page source");
        s.deallocate(r, layout(1000));
    }
    assert!(s.footprint().peak_heap_bytes >= 3 * big);
}

#[test]
fn a_huge_shrink_without_memory_strands_the_region() {
    // A capped heap, but huge blocks in regions.
    let mut s = Slab::with_heap(Talc::with_region(16 * 1024), true);
    let big = s.allocate(layout(100_000)).unwrap();
    let _full = fill(&mut s);
    // SAFETY: live blocks with the sizes passed.
    unsafe {
        big.as_ptr().write_bytes(4, 100_000);
        assert_eq!(
            s.reallocate(big, layout(100_000), 5000),
            Some(big),
            "no room in the heap"
        );
        assert!(s.find_stranded(big).is_some());
        assert_eq!(
            s.reallocate(big, layout(5000), 100),
            Some(big),
            "no room for a page"
        );
        assert!((0..100).all(|i| *big.as_ptr().add(i) == 4));
        assert!(s.huge.held() > 100_000);
        s.deallocate(big, layout(100));
        assert!(s.stranded.is_null());
        assert_eq!(s.huge.held(), 0);
    }
}
