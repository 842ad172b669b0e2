//! Process-wide page-source counts, in their own test process (other tests would move them).
//! The tests here run one at a time.

use std::sync::Mutex;

use lua_allocators::pages::{self, PAGE_SIZE};
use lua_allocators::{Backend, LUA_MAX_ALIGN};

static SERIAL: Mutex<()> = Mutex::new(());

#[allow(dead_code)] // unused when no growing backend is compiled in
/// Lua-ish work: a few hundred small blocks and a doubling buffer up to 256 KiB.
fn work(b: &mut impl Backend) {
    let small = std::alloc::Layout::from_size_align(48, LUA_MAX_ALIGN).unwrap();
    let blocks: Vec<_> = (0..300).map(|_| b.allocate(small).unwrap()).collect();
    let mut size = 64;
    let mut buf = b
        .allocate(std::alloc::Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap())
        .unwrap();
    while size < 256 << 10 {
        let old = std::alloc::Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap();
        // SAFETY: `buf` is live with `old`.
        buf = unsafe { b.reallocate(buf, old, size * 2) }.unwrap();
        size *= 2;
    }
    // SAFETY: every block is live with its layout and dropped here.
    unsafe {
        b.deallocate(
            buf,
            std::alloc::Layout::from_size_align(size, LUA_MAX_ALIGN).unwrap(),
        );
        for (i, p) in blocks.into_iter().enumerate() {
            if i % 2 == 0 {
                b.deallocate(p, small); // half are left for drop to reclaim
            }
        }
    }
}

#[allow(dead_code)]
/// 200 instances in turn: growth stays at about one instance's worth, not 200.
fn bounded<B: Backend + Default>(name: &str) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = pages::stats();
    let mut one = 0;
    for i in 0..200 {
        let mut b = B::default();
        work(&mut b);
        if i == 0 {
            one = b.footprint().heap_bytes;
        }
        drop(b);
    }
    let grown = pages::stats().grown_bytes - before.grown_bytes;
    assert!(one > 0, "{name} took no memory");
    assert!(
        grown <= 2 * one + 2 * PAGE_SIZE,
        "{name}: 200 instances grew {grown} bytes; one holds {one}"
    );
    assert_eq!(
        pages::stats().grown_bytes - pages::stats().free_bytes,
        before.grown_bytes - before.free_bytes,
        "{name}: regions not given back"
    );
}

#[cfg(feature = "bump")]
#[test]
fn bump_reuses_pages() {
    bounded::<lua_allocators::Bump>("bump");
}

#[cfg(feature = "dlmalloc")]
#[test]
fn dlmalloc_reuses_pages() {
    bounded::<lua_allocators::Dlmalloc>("dlmalloc");
}

#[cfg(feature = "talc")]
#[test]
fn talc_reuses_pages() {
    bounded::<lua_allocators::Talc>("talc");
}

#[cfg(feature = "buddy")]
#[test]
fn buddy_reuses_pages() {
    bounded::<lua_allocators::Buddy>("buddy");
}

#[cfg(feature = "slab")]
#[test]
fn slab_reuses_pages() {
    bounded::<lua_allocators::Slab>("slab");
}

#[test]
fn free_list_coalesces() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let regions: Vec<_> = (0..8)
        .map(|_| pages::acquire(PAGE_SIZE, PAGE_SIZE).unwrap())
        .collect();
    let before = pages::stats();
    for r in regions
        .iter()
        .step_by(2)
        .chain(regions.iter().skip(1).step_by(2))
    {
        // SAFETY: each region is ours and given back once.
        unsafe { pages::release(*r) };
    }
    let after = pages::stats();
    assert_eq!(after.free_bytes, before.free_bytes + 8 * PAGE_SIZE);
    assert!(
        after.free_regions <= before.free_regions + 1,
        "{before:?} -> {after:?}"
    );
    // The same memory comes back without growing.
    let big = pages::acquire(8 * PAGE_SIZE, PAGE_SIZE).unwrap();
    assert_eq!(pages::stats().grown_bytes, after.grown_bytes);
    // SAFETY: ours, given back once.
    unsafe { pages::release(big) };
}

#[test]
fn regions_resize_in_place() {
    use lua_allocators::pages::{GRANULE, resize_in_place};
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let r = pages::acquire(3 * GRANULE, GRANULE).unwrap();
    // SAFETY: `r` is ours; resized and given back once.
    unsafe {
        let shrunk = resize_in_place(r, GRANULE + 1).unwrap();
        assert_eq!((shrunk.base, shrunk.size), (r.base, 2 * GRANULE));
        // The granule just given back follows it: growing takes it again.
        let grown = resize_in_place(shrunk, 3 * GRANULE).unwrap();
        assert_eq!((grown.base, grown.size), (r.base, 3 * GRANULE));
        // A region at the top of memory grows with it.
        let before = pages::stats();
        // Larger than any free region: it ends at the top of memory.
        let top = pages::acquire(before.free_bytes + PAGE_SIZE, GRANULE).unwrap();
        let size = top.size + 4 * PAGE_SIZE;
        let big = resize_in_place(top, size).expect("the top region grows in place");
        assert_eq!((big.base, big.size), (top.base, size));
        big.base.as_ptr().write_bytes(5, big.size);
        assert!(pages::stats().grown_bytes >= before.grown_bytes + 4 * PAGE_SIZE);
        pages::release(big);
        pages::release(grown);
    }
}
