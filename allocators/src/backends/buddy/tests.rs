use super::*;
use crate::LUA_MAX_ALIGN;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap()
}

/// The pattern of a deep recursion unwinding (Lua's `luaE_shrinkCI` frees every other
/// `CallInfo`, then the rest): freed memory merges back into large blocks without growing.
#[test]
fn every_other_free_then_the_rest_merges_back() {
    let mut b = Buddy::new();
    let small = layout(48);
    let blocks: std::vec::Vec<_> = (0..50_000).map(|_| b.allocate(small).unwrap()).collect();
    let held = b.footprint().heap_bytes;
    for p in blocks
        .iter()
        .step_by(2)
        .chain(blocks.iter().skip(1).step_by(2))
    {
        // SAFETY: each block is live with `small` and freed once.
        unsafe { b.deallocate(*p, small) };
    }
    assert_eq!(b.cache.bytes(), 50_000 * 64);
    // Half of what the small blocks used, in 1 KiB blocks: only merging can provide them.
    let kib = layout(1000);
    let large: std::vec::Vec<_> = (0..held / 2 / 1024)
        .map(|_| b.allocate(kib).unwrap())
        .collect();
    assert_eq!(
        b.footprint().heap_bytes,
        held,
        "the heap grew instead of merging"
    );
    for p in large {
        // SAFETY: live with `kib`, freed once.
        unsafe { b.deallocate(p, kib) };
    }
}

#[test]
fn shrinking_gives_the_upper_halves_to_the_cache() {
    let mut b = Buddy::new();
    let p = b.allocate(layout(4096)).unwrap();
    let held = b.footprint().heap_bytes;
    // SAFETY: `p` is live with 4096 bytes.
    let q = unsafe { b.reallocate(p, layout(4096), 100) }.unwrap();
    assert_eq!(p, q);
    assert_eq!(b.cache.bytes(), 4096 - 128);
    let r = b.allocate(layout(2048)).unwrap();
    assert_eq!(r.as_ptr() as usize, p.as_ptr() as usize + 2048);
    assert_eq!(b.footprint().heap_bytes, held);
}

/// Merging waits until the cache has doubled since the last pass, so growing again and again
/// with a cache of unmergeable blocks does not sort it each time.
#[test]
fn merge_passes_are_amortised() {
    let mut b = Buddy::new();
    let small = layout(16);
    let blocks: std::vec::Vec<_> = (0..4_000).map(|_| b.allocate(small).unwrap()).collect();
    let free = |b: &mut Buddy, from: usize, to: usize| {
        for p in blocks[from..to].iter().step_by(2) {
            // SAFETY: each block is live with `small` and freed once.
            unsafe { b.deallocate(*p, small) };
        }
    };
    free(&mut b, 0, 4_000); // every other one: nothing can merge
    let page = layout(4096);
    assert!(b.cache.worth_merging(12, b.held));
    let p = b.allocate(page).unwrap(); // a pass runs, merges nothing, the heap grows
    assert!(!b.cache.worth_merging(12, b.held));
    free(&mut b, 1, 201); // now mergeable, but the cache grew by less than an eighth
    assert!(!b.cache.worth_merging(12, b.held));
    // SAFETY: live with `page`.
    unsafe { b.deallocate(p, page) };
}
