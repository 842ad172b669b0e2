//! The Rust half of `shim/files/files.c`: C's file calls served by the running state's
//! [`FileSystem`](crate::host::FileSystem) and standard streams, on every target. A host
//! stream crosses to C as a thin pointer to a boxed `Box<dyn Stream>`.

use crate::host::{self, FileSystem, FsError, OpenMode, SeekFrom, Stream};
use core::ffi::{CStr, c_char, c_int, c_longlong, c_void};
use core::ptr;
use std::alloc::{self, Layout};

type HostStream = Box<dyn Stream>;

// Mirrors SEEK_SET, SEEK_CUR and SEEK_END (0, 1, 2 in every C library Lua is built with here).
const SEEK_CUR: c_int = 1;
const SEEK_END: c_int = 2;

fn report(err: *mut c_int, error: FsError) {
    // SAFETY: files.c always passes a pointer to a local int.
    unsafe { *err = error as c_int };
}

/// Runs `f` on the running state's file system, or fails as if there were no files at all.
fn with_fs<T>(f: impl FnOnce(&dyn FileSystem) -> Result<T, FsError>) -> Result<T, FsError> {
    match host::file_system() {
        // SAFETY: the hook returns the file system of the state running on this thread, which
        // stays alive for the whole C call that asked for it.
        Some(fs) => f(unsafe { fs.as_ref() }),
        None => Err(FsError::NotPermitted),
    }
}

/// # Safety
/// `s` is null or NUL-terminated.
unsafe fn bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: per the contract.
    (!s.is_null()).then(|| unsafe { CStr::from_ptr(s) }.to_bytes())
}

/// # Safety
/// `path` is null (an anonymous file) or NUL-terminated, `mode` NUL-terminated.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_open(path: *const c_char, mode: *const c_char, err: *mut c_int) -> *mut c_void {
    // SAFETY: per the contract.
    let (path, mode) = unsafe { (bytes(path), bytes(mode).unwrap_or_default()) };
    let Some(mode) = OpenMode::parse(mode) else {
        report(err, FsError::Invalid);
        return ptr::null_mut();
    };
    match with_fs(|fs| fs.open(path, mode)) {
        Ok(stream) => Box::into_raw(Box::new(stream)).cast(),
        Err(e) => {
            report(err, e);
            ptr::null_mut()
        }
    }
}

/// # Safety
/// `stream` came from `lua_shim_host_open` and is not closed (or is null for the standard
/// stream `fd`); `buf` is valid for `n` bytes.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_read(stream: *mut c_void, fd: c_int, buf: *mut c_char, n: usize, err: *mut c_int) -> usize {
    // SAFETY: per the contract. The buffer may be uninitialised (a luaL_Buffer): it is zeroed
    // before a slice is made of it.
    let buf = unsafe {
        ptr::write_bytes(buf.cast::<u8>(), 0, n);
        core::slice::from_raw_parts_mut(buf.cast::<u8>(), n)
    };
    let result = if stream.is_null() {
        match fd {
            0 => with_fs(|fs| Ok(fs.read_stdin(buf))).or(Ok(0)),
            _ => Err(FsError::BadFile),
        }
    } else {
        // SAFETY: per the contract.
        unsafe { (*stream.cast::<HostStream>()).read(buf) }
    };
    result.unwrap_or_else(|e| {
        report(err, e);
        0
    })
}

/// # Safety
/// As `lua_shim_host_read`, with `buf` readable for `n` bytes.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_write(stream: *mut c_void, fd: c_int, buf: *const c_char, n: usize, err: *mut c_int) -> usize {
    // SAFETY: per the contract.
    let bytes = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), n) };
    let result = if stream.is_null() {
        match fd {
            1 | 2 => {
                host::write_output(fd, bytes);
                Ok(())
            }
            _ => Err(FsError::BadFile),
        }
    } else {
        // SAFETY: per the contract.
        unsafe { (*stream.cast::<HostStream>()).write(bytes) }
    };
    match result {
        Ok(()) => n,
        Err(e) => {
            report(err, e);
            0
        }
    }
}

/// Returns the new position, or -1.
///
/// # Safety
/// `stream` came from `lua_shim_host_open` and is not closed.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_seek(stream: *mut c_void, offset: c_longlong, whence: c_int, err: *mut c_int) -> c_longlong {
    let to = match whence {
        SEEK_CUR => SeekFrom::Current(offset),
        SEEK_END => SeekFrom::End(offset),
        _ if offset < 0 => {
            report(err, FsError::Invalid);
            return -1;
        }
        _ => SeekFrom::Start(offset as u64),
    };
    // SAFETY: per the contract.
    match unsafe { (*stream.cast::<HostStream>()).seek(to) } {
        Ok(at) => at.min(i64::MAX as u64) as c_longlong,
        Err(e) => {
            report(err, e);
            -1
        }
    }
}

/// # Safety
/// `stream` came from `lua_shim_host_open` and is closed only here, once.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_close(stream: *mut c_void) {
    // SAFETY: per the contract: the pointer is a leaked Box<HostStream>.
    drop(unsafe { Box::from_raw(stream.cast::<HostStream>()) });
}

/// # Safety
/// `path` is NUL-terminated.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_remove(path: *const c_char, err: *mut c_int) -> c_int {
    // SAFETY: per the contract.
    let path = unsafe { bytes(path).unwrap_or_default() };
    status(with_fs(|fs| fs.remove(path)), err)
}

/// # Safety
/// `from` and `to` are NUL-terminated.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_rename(from: *const c_char, to: *const c_char, err: *mut c_int) -> c_int {
    // SAFETY: per the contract.
    let (from, to) = unsafe { (bytes(from).unwrap_or_default(), bytes(to).unwrap_or_default()) };
    status(with_fs(|fs| fs.rename(from, to)), err)
}

fn status(result: Result<(), FsError>, err: *mut c_int) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(err, e);
            -1
        }
    }
}

/// Writes a fresh name with its NUL into `buf` (`size` bytes); returns its length, or 0.
///
/// # Safety
/// `buf` is valid for `size` bytes.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_temp_name(buf: *mut c_char, size: usize, err: *mut c_int) -> usize {
    match with_fs(|fs| fs.temp_name(size.saturating_sub(1))) {
        Ok(name) if !name.is_empty() && name.len() < size => {
            // SAFETY: the name and its NUL fit in `size` bytes.
            unsafe {
                ptr::copy_nonoverlapping(name.as_ptr(), buf.cast::<u8>(), name.len());
                *buf.add(name.len()) = 0;
            }
            name.len()
        }
        Ok(_) => {
            report(err, FsError::Invalid);
            0
        }
        Err(e) => {
            report(err, e);
            0
        }
    }
}

/// # Safety
/// `name` is NUL-terminated.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_getenv(name: *const c_char) -> *mut c_char {
    // SAFETY: per the contract.
    let name = unsafe { bytes(name).unwrap_or_default() };
    with_fs(|fs| Ok(fs.getenv(name).cast_mut())).unwrap_or(ptr::null_mut())
}

/// Memory for C's FILE objects and format buffers, from Rust's allocator (never a C import).
#[unsafe(no_mangle)]
extern "C" fn lua_shim_host_alloc(size: usize) -> *mut c_void {
    match Layout::from_size_align(size.max(1), 8) {
        // SAFETY: the layout is not zero-sized.
        Ok(layout) => unsafe { alloc::alloc(layout).cast() },
        Err(_) => ptr::null_mut(),
    }
}

/// # Safety
/// `p` came from `lua_shim_host_alloc(size)`.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_host_free(p: *mut c_void, size: usize) {
    if let Ok(layout) = Layout::from_size_align(size.max(1), 8) {
        // SAFETY: per the contract, with the layout it was allocated with.
        unsafe { alloc::dealloc(p.cast(), layout) };
    }
}
