//! Checks that hold while other tests share the page source (see `tests/page_reuse.rs` for the
//! process-wide counts).

use super::*;

#[test]
fn regions_are_aligned_writable_and_disjoint() {
    let a = acquire(1, PAGE_SIZE).unwrap();
    let b = acquire(3 * PAGE_SIZE - 5, 1 << 20).unwrap();
    assert_eq!((a.size, b.size), (GRANULE, 3 * PAGE_SIZE));
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
fn granules_share_pages() {
    let regions: std::vec::Vec<Region> = (0..32)
        .map(|_| acquire(GRANULE, GRANULE).unwrap())
        .collect();
    for r in &regions {
        assert_eq!(r.size, GRANULE);
        assert_eq!(r.base.as_ptr() as usize % GRANULE, 0);
    }
    // With 64 KiB regions they would take 32 pages; granules share them (tests running at the
    // same time may take granules in between, so the bound is loose).
    let pages: std::collections::BTreeSet<usize> = regions
        .iter()
        .map(|r| r.base.as_ptr() as usize / PAGE_SIZE)
        .collect();
    assert!(
        pages.len() < regions.len(),
        "{} granules in {} pages",
        regions.len(),
        pages.len()
    );
    for r in regions {
        // SAFETY: each region is ours and given back once.
        unsafe { release(r) };
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
    let r = acquire(2 * GRANULE, GRANULE).unwrap();
    // SAFETY: the two granules are ours; each is given back once.
    unsafe {
        release(Region {
            base: NonNull::new(r.base.as_ptr().add(GRANULE)).unwrap(),
            size: GRANULE,
        });
        release(Region {
            base: r.base,
            size: GRANULE,
        });
    }
}
