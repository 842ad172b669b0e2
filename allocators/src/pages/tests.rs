//! Checks that hold while other tests share the page source (see `tests/page_reuse.rs` for the
//! process-wide counts).

use super::*;

#[test]
fn regions_are_aligned_writable_and_disjoint() {
    let a = acquire(1, PAGE_SIZE).unwrap();
    let b = acquire(3 * PAGE_SIZE - 5, 1 << 20).unwrap();
    assert_eq!((a.size, b.size), (PAGE_SIZE, 3 * PAGE_SIZE));
    assert_eq!(a.base.as_ptr() as usize % PAGE_SIZE, 0);
    assert_eq!(b.base.as_ptr() as usize % (1 << 20), 0);
    assert!(a.end_addr() <= b.base.as_ptr() as usize || b.end_addr() <= a.base.as_ptr() as usize);
    // SAFETY: both regions are ours, `size` bytes each; given back once, unused afterwards.
    unsafe {
        a.base.as_ptr().write_bytes(1, a.size);
        b.base.as_ptr().write_bytes(2, b.size);
        release(a);
        release(b);
    }
}

#[test]
fn parts_of_a_region_can_be_given_back_separately() {
    let r = acquire(4 * PAGE_SIZE, PAGE_SIZE).unwrap();
    let base = r.base.as_ptr();
    // SAFETY: the four pages are ours; each is given back once.
    unsafe {
        for i in [2, 0, 3, 1] {
            let page = NonNull::new(base.add(i * PAGE_SIZE)).unwrap();
            release(Region {
                base: page,
                size: PAGE_SIZE,
            });
        }
    }
}
