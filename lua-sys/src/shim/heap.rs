//! `malloc`, `calloc`, `realloc` and `free` on Rust's global allocator, which in lua-wasm is the
//! selected backend. Lua states never use them (lua-sys gives each state its own backend through
//! `lua_newstate`); they exist so that no C code can pull a memory function in as an import.
//! C's `free` gets no size, so each block starts with a header that records it.

use core::ffi::c_void;
use core::ptr;
use std::alloc::{self, Layout};

/// Header size, which is also the alignment of every block (C's max_align_t on wasm32).
const HEADER: usize = 8;

fn layout_for(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

#[unsafe(no_mangle)]
extern "C" fn malloc(size: usize) -> *mut c_void {
    let Some(layout) = layout_for(size) else { return ptr::null_mut() };
    // SAFETY: the layout is never zero-sized (it includes the header).
    let block = unsafe { alloc::alloc(layout) };
    if block.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: the block is at least HEADER bytes and aligned for a usize.
    unsafe {
        (block as *mut usize).write(size);
        block.add(HEADER).cast()
    }
}

#[unsafe(no_mangle)]
extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(total) = count.checked_mul(size) else { return ptr::null_mut() };
    let block = malloc(total);
    if !block.is_null() {
        // SAFETY: malloc returned `total` writable bytes.
        unsafe { ptr::write_bytes(block as *mut u8, 0, total) };
    }
    block
}

/// # Safety
/// `block` is null or was returned by `malloc`/`calloc`/`realloc` and not yet freed.
#[unsafe(no_mangle)]
unsafe extern "C" fn free(block: *mut c_void) {
    if block.is_null() {
        return;
    }
    // SAFETY: every block is preceded by its header, written by malloc or realloc.
    unsafe {
        let start = (block as *mut u8).sub(HEADER);
        let size = (start as *const usize).read();
        alloc::dealloc(start, Layout::from_size_align_unchecked(size + HEADER, HEADER));
    }
}

/// # Safety
/// As for `free`.
#[unsafe(no_mangle)]
unsafe extern "C" fn realloc(block: *mut c_void, new_size: usize) -> *mut c_void {
    if block.is_null() {
        return malloc(new_size);
    }
    let Some(new_layout) = layout_for(new_size) else { return ptr::null_mut() };
    // SAFETY: as in `free`; alloc::realloc keeps the old block valid when it fails.
    unsafe {
        let start = (block as *mut u8).sub(HEADER);
        let old_size = (start as *const usize).read();
        let old_layout = Layout::from_size_align_unchecked(old_size + HEADER, HEADER);
        let moved = alloc::realloc(start, old_layout, new_layout.size());
        if moved.is_null() {
            return ptr::null_mut();
        }
        (moved as *mut usize).write(new_size);
        moved.add(HEADER).cast()
    }
}
