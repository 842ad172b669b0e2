use super::*;
use crate::LUA_MAX_ALIGN;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap()
}

#[test]
fn top_block_is_reclaimed_and_resized_in_place() {
    let mut b = Bump::new();
    let a = b.allocate(layout(32)).unwrap();
    let top = b.allocate(layout(48)).unwrap();
    // SAFETY: `top` was allocated with that layout.
    unsafe {
        // Within the first region: growing further depends on whether the next granule
        // of the page source is free, which other tests running at the same time decide.
        let grown = b.reallocate(top, layout(48), 1024).unwrap();
        assert_eq!(grown, top, "top block grows in place");
        let shrunk = b.reallocate(top, layout(1024), 16).unwrap();
        assert_eq!(shrunk, top);
        b.deallocate(top, layout(16));
    }
    let again = b.allocate(layout(48)).unwrap();
    assert_eq!(again, top, "freeing the top block moves the pointer back");
    assert_ne!(a, again);
}

#[test]
fn realloc_of_inner_block_copies_only_the_old_size() {
    let mut b = Bump::new();
    let a = b.allocate(layout(16)).unwrap();
    let _top = b.allocate(layout(16)).unwrap();
    // SAFETY: `a` is a live 16-byte block; the new block is 64 bytes.
    unsafe {
        a.as_ptr().write_bytes(7, 16);
        let moved = b.reallocate(a, layout(16), 64).unwrap();
        assert_ne!(moved, a);
        assert!((0..16).all(|i| *moved.as_ptr().add(i) == 7));
    }
}

/// The honest limitation: with a flat live size but non-LIFO frees, memory keeps growing.
#[test]
fn churn_grows_footprint() {
    let mut b = Bump::new();
    let mut live = [None::<NonNull<u8>>; 64];
    let mut after_warmup = 0;
    for round in 0..20_000 {
        let slot = (round * 7) % live.len();
        if let Some(p) = live[slot].take() {
            // SAFETY: `p` was allocated with this layout and is dropped from `live`.
            unsafe { b.deallocate(p, layout(64)) };
        }
        live[slot] = Some(b.allocate(layout(64)).unwrap());
        if round == 1_000 {
            after_warmup = b.footprint().heap_bytes;
        }
    }
    let end = b.footprint().heap_bytes;
    assert!(
        end > 5 * after_warmup,
        "footprint {end} vs {after_warmup} after warm-up"
    );
}

#[test]
fn reset_keeps_one_region() {
    let mut b = Bump::new();
    for _ in 0..100 {
        b.allocate(layout(4096)).unwrap();
    }
    assert!(b.footprint().heap_bytes > crate::pages::PAGE_SIZE);
    // SAFETY: no block is used afterwards.
    unsafe { b.reset() };
    let held = b.footprint().heap_bytes;
    assert!((crate::pages::GRANULE..=2 * 4096 * 100).contains(&held));
    b.allocate(layout(4096)).unwrap();
    assert_eq!(b.footprint().heap_bytes, held);
}
