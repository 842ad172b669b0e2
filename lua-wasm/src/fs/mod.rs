//! Each state's in-memory file system: what Lua's `io` and `os` functions, `loadfile`,
//! `dofile` and `require` see, and what the embedder reads and writes through [`Fs`]
//! (`Lua::fs`). File contents live in the state's own heap (they count against its memory
//! limit); paths are absolute from one root that no `..` leaves.

mod files;
mod heap_bytes;
mod open_file;
mod tree;

pub(crate) use files::{Files, running};

use crate::error::{ErrorKind, LuaError, Result};
use crate::state::Core;
use lua_sys::host::FsError;
use tree::normalize;

/// The text C's `strerror` gives for each error (glibc's wording).
pub(crate) fn describe(error: FsError) -> &'static str {
    match error {
        FsError::NotFound => "No such file or directory",
        FsError::Exists => "File exists",
        FsError::IsDirectory => "Is a directory",
        FsError::NotDirectory => "Not a directory",
        FsError::NotEmpty => "Directory not empty",
        FsError::NoMemory => "Cannot allocate memory",
        FsError::Invalid => "Invalid argument",
        FsError::BadFile => "Bad file descriptor",
        FsError::NotSeekable => "Illegal seek",
        FsError::NotPermitted => "Operation not permitted",
        FsError::NameTooLong => "File name too long",
    }
}

fn error(path: &str, error: FsError) -> LuaError {
    let kind = if error == FsError::NoMemory { ErrorKind::Memory } else { ErrorKind::Io };
    LuaError::new(kind, format!("{path}: {}", describe(error)))
}

/// A state's file system, from Rust (`lua.fs()`). Paths are strings; `a/b`, `/a/b` and
/// `/x/../a/b` are the same file.
pub struct Fs<'a> {
    core: &'a Core,
}

impl<'a> Fs<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Fs { core }
    }

    fn files(&self) -> Result<&'a Files> {
        if self.core.is_open() { Ok(&self.core.files) } else { Err(LuaError::closed()) }
    }

    /// Writes a whole file, replacing it, and creates its missing directories. A file that
    /// would pass the memory limit is an [`ErrorKind::Memory`] error and leaves the old file.
    pub fn write_file(&self, path: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        self.files()?.write_file(path.as_bytes(), bytes.as_ref()).map_err(|e| error(path, e))
    }

    /// A whole file's bytes.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let key = normalize(path.as_bytes()).map_err(|e| error(path, e))?;
        let file = self.files()?.tree.borrow().file(&key).map_err(|e| error(path, e))?;
        let bytes = file.borrow().as_slice().to_vec();
        Ok(bytes)
    }

    /// The names in a directory, sorted.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>> {
        let key = normalize(path.as_bytes()).map_err(|e| error(path, e))?;
        self.files()?.tree.borrow().read_dir(&key).map_err(|e| error(path, e))
    }

    /// Creates a directory and its missing parents (nothing if it exists).
    pub fn mkdir(&self, path: &str) -> Result<()> {
        let key = normalize(path.as_bytes()).map_err(|e| error(path, e))?;
        self.files()?.tree.borrow_mut().mkdir_all(&key).map_err(|e| error(path, e))
    }

    /// Removes a file or an empty directory.
    pub fn unlink(&self, path: &str) -> Result<()> {
        let key = normalize(path.as_bytes()).map_err(|e| error(path, e))?;
        self.files()?.tree.borrow_mut().remove(&key).map_err(|e| error(path, e))
    }

    /// Whether a file or directory exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let Ok(files) = self.files() else { return false };
        normalize(path.as_bytes()).is_ok_and(|key| files.tree.borrow().exists(&key))
    }
}
