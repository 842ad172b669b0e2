//! The C-facing entry points of the Rust shim modules: the printf family's per-argument
//! formatter, the standard streams, and `strtod`.

use super::format::{self, Arg, Spec};
use super::strtod;
use crate::host;
use core::ffi::{c_char, c_int, c_void};

/// Mirrors `struct lua_shim_spec` in shim/c/printf.c.
#[repr(C)]
pub struct CSpec {
    width: usize,
    precision: usize,
    has_precision: u8,
    left: u8,
    plus: u8,
    space: u8,
    alt: u8,
    zero: u8,
    conv: u8,
}

// Mirrors `enum lua_shim_arg_kind` in shim/c/printf.c.
const ARG_SIGNED: c_int = 0;
const ARG_UNSIGNED: c_int = 1;
const ARG_FLOAT: c_int = 2;
const ARG_CHAR: c_int = 3;
const ARG_STR: c_int = 4;

unsafe extern "C" {
    /// In printf.c: appends bytes to a formatting sink.
    fn lua_shim_sink_put(sink: *mut c_void, bytes: *const c_char, n: usize);
}

/// Formats one printf argument, already fetched by the C side.
///
/// # Safety
/// `spec` and `sink` are valid; for `ARG_STR`, `string` is a NUL-terminated string, of which
/// only the first `precision` bytes are read when a precision is given.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_format_arg(
    spec: *const CSpec,
    kind: c_int,
    integer: i64,
    number: f64,
    string: *const c_char,
    sink: *mut c_void,
) {
    // SAFETY: printf.c passes a pointer to a live spec.
    let c = unsafe { &*spec };
    let spec = Spec {
        left: c.left != 0,
        plus: c.plus != 0,
        space: c.space != 0,
        alt: c.alt != 0,
        zero: c.zero != 0,
        width: c.width,
        precision: (c.has_precision != 0).then_some(c.precision),
        conv: c.conv,
    };
    let arg = match kind {
        ARG_SIGNED => Arg::Signed(integer),
        ARG_UNSIGNED => Arg::Unsigned(integer as u64),
        ARG_FLOAT => Arg::Float(number),
        ARG_CHAR => Arg::Char(integer as u8),
        // SAFETY: the string is NUL-terminated or, with a precision, at least that long.
        ARG_STR => Arg::Str(unsafe { bounded_c_str(string, spec.precision) }),
        _ => Arg::Pointer(integer as usize),
    };
    format::format_arg(&spec, arg, &mut |bytes: &[u8]| {
        // SAFETY: `sink` is the live sink printf.c passed in.
        unsafe { lua_shim_sink_put(sink, bytes.as_ptr().cast(), bytes.len()) }
    });
}

/// The bytes of a C string, reading at most `limit` bytes (printf's `%.Ns` need not be
/// NUL-terminated within N).
///
/// # Safety
/// `s` is valid up to its NUL or up to `limit` bytes, whichever comes first.
unsafe fn bounded_c_str<'a>(s: *const c_char, limit: Option<usize>) -> &'a [u8] {
    let mut len = 0;
    // SAFETY: we stop at the NUL or at the limit, as the caller guarantees is in bounds.
    while limit.is_none_or(|max| len < max) && unsafe { *s.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` bytes just scanned are readable.
    unsafe { core::slice::from_raw_parts(s.cast(), len) }
}

/// Standard output and error of the C side (stdio.c).
///
/// # Safety
/// `bytes` is valid for `n` bytes.
#[unsafe(no_mangle)]
unsafe extern "C" fn lua_shim_write(fd: c_int, bytes: *const c_char, n: usize) {
    if n == 0 {
        return;
    }
    // SAFETY: stdio.c passes the caller's buffer and its length.
    host::write_output(fd, unsafe { core::slice::from_raw_parts(bytes.cast(), n) });
}

unsafe extern "C" {
    /// In stdlib.c: C's errno.
    static mut errno: c_int;
}

const ERANGE: c_int = 34;

/// # Safety
/// `s` is a NUL-terminated string and `end` is null or valid for a write.
#[unsafe(no_mangle)]
unsafe extern "C" fn strtod(s: *const c_char, end: *mut *mut c_char) -> f64 {
    // SAFETY: the caller passes a NUL-terminated string, as C requires.
    let bytes = unsafe { core::ffi::CStr::from_ptr(s) }.to_bytes();
    let parsed = strtod::strtod(bytes);
    if parsed.range_error {
        // SAFETY: single-threaded module; errno is a plain global.
        unsafe { errno = ERANGE };
    }
    if !end.is_null() {
        // SAFETY: `end` is a valid out-pointer; the result points inside `s`.
        unsafe { end.write(s.add(parsed.consumed) as *mut c_char) };
    }
    parsed.value
}
