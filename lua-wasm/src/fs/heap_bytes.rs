//! File contents in the Lua state's own heap: allocated through the state's `lua_Alloc`, so
//! they count against its memory limit and show in its memory statistics, and a write that
//! would pass the limit fails instead of growing.

use core::ffi::c_void;
use core::ptr;
use lua_sys::ffi::lua_Alloc;
use lua_sys::host::FsError;

/// A growable byte buffer in a state's heap.
pub(crate) struct HeapBytes {
    ptr: *mut u8,
    len: usize,
    capacity: usize,
    alloc: lua_Alloc,
    ud: *mut c_void,
}

impl HeapBytes {
    /// An empty buffer; nothing is allocated until the first byte.
    ///
    /// `alloc` and `ud` are the state's allocator, which outlives the buffer (the file system
    /// holding it is emptied when the state closes, before the allocator is freed).
    pub fn new((alloc, ud): (lua_Alloc, *mut c_void)) -> Self {
        HeapBytes { ptr: ptr::null_mut(), len: 0, capacity: 0, alloc, ud }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn as_slice(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `ptr` holds `capacity >= len` bytes, the first `len` initialised.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// Cuts the contents to `len` bytes (or pads them with zeros up to it); at 0 the block goes
    /// back to the allocator.
    pub fn resize(&mut self, len: usize) -> Result<(), FsError> {
        if len == 0 {
            self.free();
            return Ok(());
        }
        if len > self.capacity {
            self.reserve(len)?;
        }
        if len > self.len {
            // SAFETY: `len <= capacity`; the new bytes are within the block.
            unsafe { ptr::write_bytes(self.ptr.add(self.len), 0, len - self.len) };
        }
        self.len = len;
        Ok(())
    }

    /// Writes `bytes` at `at`, padding with zeros from the current end if `at` is past it.
    pub fn write_at(&mut self, at: usize, bytes: &[u8]) -> Result<(), FsError> {
        let end = at.checked_add(bytes.len()).ok_or(FsError::NoMemory)?;
        if end > self.len {
            self.resize(end)?;
        }
        if !bytes.is_empty() {
            // SAFETY: `at + bytes.len() <= len <= capacity`; `bytes` is not in this buffer
            // (callers pass their own slices).
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(at), bytes.len()) };
        }
        Ok(())
    }

    /// Room for at least `needed` bytes: double the capacity, or exactly `needed` if doubling
    /// does not fit under the limit.
    fn reserve(&mut self, needed: usize) -> Result<(), FsError> {
        let doubled = self.capacity.saturating_mul(2).max(64);
        if doubled > needed && self.realloc(doubled) {
            return Ok(());
        }
        if self.realloc(needed) { Ok(()) } else { Err(FsError::NoMemory) }
    }

    fn realloc(&mut self, capacity: usize) -> bool {
        // SAFETY: a block of `self.capacity` bytes (or null) from this allocator, resized as
        // lua_Alloc specifies; on failure the old block is untouched.
        let block = unsafe { (self.alloc)(self.ud, self.ptr.cast(), self.capacity, capacity) };
        if block.is_null() {
            return false;
        }
        self.ptr = block.cast();
        self.capacity = capacity;
        true
    }
}

impl HeapBytes {
    fn free(&mut self) {
        if !self.ptr.is_null() {
            // SAFETY: the block came from this allocator with this size; nsize 0 frees it.
            unsafe { (self.alloc)(self.ud, self.ptr.cast(), self.capacity, 0) };
        }
        self.ptr = ptr::null_mut();
        self.len = 0;
        self.capacity = 0;
    }
}

impl Drop for HeapBytes {
    fn drop(&mut self) {
        self.free();
    }
}
