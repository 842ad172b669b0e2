//! What Lua's sandboxed libc asks of the program that embeds it: where standard output and
//! standard error go, where files are (a [`FileSystem`]), and, on wasm32, what time it is.
//! Lua's stdio, `getenv` and `system` calls reach these hooks on every target (see
//! `shim/files/`); the clocks are used by the wasm32 shim only (natively the C library's serve).
//!
//! Hooks are per thread (a wasm module has one thread); unset hooks discard output, report
//! time 0, and leave no file to open.

use core::ffi::c_char;
use core::ptr::NonNull;
use std::cell::Cell;

/// Receives bytes written to a standard stream: `fd` is 1 for stdout, 2 for stderr.
pub type OutputHook = fn(fd: i32, bytes: &[u8]);

/// Milliseconds: wall clock since the Unix epoch, or a monotonic clock for `os.clock`.
pub type ClockHook = fn() -> f64;

thread_local! {
    static OUTPUT: Cell<Option<OutputHook>> = const { Cell::new(None) };
    static WALL_CLOCK: Cell<Option<ClockHook>> = const { Cell::new(None) };
    static CPU_CLOCK: Cell<Option<ClockHook>> = const { Cell::new(None) };
    static FILE_SYSTEM: Cell<Option<FileSystemHook>> = const { Cell::new(None) };
}

/// Why a file operation failed; the C side turns it into the matching `errno`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum FsError {
    NotFound = 1,
    Exists = 2,
    IsDirectory = 3,
    NotDirectory = 4,
    NotEmpty = 5,
    NoMemory = 6,
    Invalid = 7,
    BadFile = 8,
    NotSeekable = 9,
    NotPermitted = 10,
    NameTooLong = 11,
}

/// How `fopen` opens a file (C's `r`, `w`, `a`, with or without `+`; `b` changes nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenMode {
    pub read: bool,
    pub write: bool,
    /// Every write goes to the end (`a`).
    pub append: bool,
    /// Create the file if it is missing (`w`, `a`).
    pub create: bool,
    /// Empty the file first (`w`).
    pub truncate: bool,
}

impl OpenMode {
    /// Parses a C mode string; None if it is not one.
    pub fn parse(mode: &[u8]) -> Option<OpenMode> {
        let (first, rest) = mode.split_first()?;
        let plus = rest.iter().any(|&c| c == b'+');
        if rest.iter().any(|&c| c != b'+' && c != b'b') {
            return None;
        }
        let mode = match first {
            b'r' => OpenMode { read: true, write: plus, append: false, create: false, truncate: false },
            b'w' => OpenMode { read: plus, write: true, append: false, create: true, truncate: true },
            b'a' => OpenMode { read: plus, write: true, append: true, create: true, truncate: false },
            _ => return None,
        };
        Some(mode)
    }
}

/// Where a seek is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    Start(u64),
    Current(i64),
    End(i64),
}

/// An open file.
pub trait Stream {
    /// Reads at the current position; 0 at end of file.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, FsError>;
    /// Writes at the current position (or at the end, in append mode); all or an error.
    fn write(&mut self, bytes: &[u8]) -> Result<(), FsError>;
    /// Moves the position; returns the new one.
    fn seek(&mut self, to: SeekFrom) -> Result<u64, FsError>;
}

/// The files, standard input and environment of the Lua state that is running.
pub trait FileSystem {
    /// Opens `path`, or with None a new anonymous file (`tmpfile`).
    fn open(&self, path: Option<&[u8]>, mode: OpenMode) -> Result<Box<dyn Stream>, FsError>;
    fn remove(&self, path: &[u8]) -> Result<(), FsError>;
    fn rename(&self, from: &[u8], to: &[u8]) -> Result<(), FsError>;
    /// A path no file has (`tmpnam`, `os.tmpname`), at most `max` bytes.
    fn temp_name(&self, max: usize) -> Result<Vec<u8>, FsError>;
    /// Reads standard input; 0 at its end.
    fn read_stdin(&self, buf: &mut [u8]) -> usize;
    /// The value of an environment variable: a NUL-terminated string that stays valid until
    /// the environment changes, or null.
    fn getenv(&self, name: &[u8]) -> *const c_char;
}

unsafe extern "C" {
    /// In shim/files/files.c.
    fn lua_shim_reset_stdin() -> core::ffi::c_int;
}

/// Clears what C's stdin holds for the state that ran (end of file, a byte pushed back by
/// `ungetc`): the standard FILEs are per thread, so an embedder that switches between states
/// calls this when the running state changes. Returns whether a byte was pushed back: it is
/// always the last byte that state read (Lua pushes back only what it just read), so that
/// state's [`FileSystem::read_stdin`] must give it again.
pub fn reset_standard_input() -> bool {
    // SAFETY: the C function only touches the calling thread's stdin FILE.
    unsafe { lua_shim_reset_stdin() != 0 }
}

/// Finds the file system of the state that is running, if any.
pub type FileSystemHook = fn() -> Option<NonNull<dyn FileSystem>>;

/// Sets how Lua's file calls find the running state's files.
pub fn set_file_system_hook(hook: FileSystemHook) {
    FILE_SYSTEM.set(Some(hook));
}

pub(crate) fn file_system() -> Option<NonNull<dyn FileSystem>> {
    FILE_SYSTEM.get().and_then(|hook| hook())
}

/// Sets where stdout/stderr writes go.
pub fn set_output_hook(hook: OutputHook) {
    OUTPUT.set(Some(hook));
}

/// Sets the clocks behind `time()` (wall) and `clock()` (CPU time, approximated by a
/// monotonic clock).
pub fn set_clock_hooks(wall_ms: ClockHook, cpu_ms: ClockHook) {
    WALL_CLOCK.set(Some(wall_ms));
    CPU_CLOCK.set(Some(cpu_ms));
}

pub(crate) fn write_output(fd: i32, bytes: &[u8]) {
    if let Some(hook) = OUTPUT.get() {
        hook(fd, bytes);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn wall_clock_ms() -> f64 {
    WALL_CLOCK.get().map_or(0.0, |hook| hook())
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn cpu_clock_ms() -> f64 {
    CPU_CLOCK.get().map_or(0.0, |hook| hook())
}
