//! One state's files, standard input and environment, and the hook through which Lua's C
//! library reaches those of the state that is running (`lua_sys::host::FileSystem`).

use super::heap_bytes::HeapBytes;
use super::open_file::OpenFile;
use super::tree::{FileNode, Tree, normalize};
use core::ffi::{c_char, c_void};
use lua_sys::ffi::lua_Alloc;
use lua_sys::host::{FileSystem, FsError, OpenMode, Stream};
use std::cell::{Cell, RefCell};
use std::ffi::CString;
use std::ptr::NonNull;
use std::rc::Rc;

/// Where `os.tmpname` and `tmpfile` names are made.
const TEMP_DIR: &str = "tmp";

pub(crate) struct Files {
    pub tree: RefCell<Tree>,
    allocator: (lua_Alloc, *mut c_void),
    stdin: RefCell<Vec<u8>>,
    stdin_read: Cell<usize>,
    env: RefCell<Vec<(Vec<u8>, CString)>>,
    temp_counter: Cell<u32>,
}

impl Files {
    /// An empty file system whose file contents come from `allocator` (the state's).
    pub fn new(allocator: (lua_Alloc, *mut c_void)) -> Self {
        Files {
            tree: RefCell::new(Tree::new(Some(allocator))),
            allocator,
            stdin: RefCell::new(Vec::new()),
            stdin_read: Cell::new(0),
            env: RefCell::new(Vec::new()),
            temp_counter: Cell::new(0),
        }
    }

    pub fn new_file(&self) -> FileNode {
        Rc::new(RefCell::new(HeapBytes::new(self.allocator)))
    }

    /// Replaces standard input; reading starts again from its first byte.
    pub fn set_stdin(&self, bytes: Vec<u8>) {
        *self.stdin.borrow_mut() = bytes;
        self.stdin_read.set(0);
        lua_sys::host::reset_standard_input();
    }

    /// Gives the last byte read from standard input again (C's stdin had it pushed back).
    pub fn unread_stdin(&self) {
        self.stdin_read.set(self.stdin_read.get().saturating_sub(1));
    }

    /// Replaces the environment `os.getenv` sees. Names and values cannot hold NUL bytes.
    pub fn set_env(&self, vars: Vec<(Vec<u8>, CString)>) {
        *self.env.borrow_mut() = vars;
    }

    /// Writes a whole file, creating it and its missing directories.
    pub fn write_file(&self, path: &[u8], bytes: &[u8]) -> Result<(), FsError> {
        let key = normalize(path)?;
        let mut tree = self.tree.borrow_mut();
        if let Some(at) = key.rfind('/') {
            tree.mkdir_all(&key[..at])?;
        }
        let (file, created) = tree.file_or_create(&key, || self.new_file())?;
        // Fill a new buffer first, so that a write past the memory limit leaves the old
        // contents whole.
        let contents = self.new_file();
        contents.borrow_mut().write_at(0, bytes)?;
        if let Some(created) = created {
            tree.insert_file(&key, created)?;
        }
        std::mem::swap(&mut *file.borrow_mut(), &mut *contents.borrow_mut());
        Ok(())
    }

    /// Drops every file (the state is closing: their memory goes back before the allocator).
    pub fn clear(&self) {
        self.tree.borrow_mut().clear();
        self.env.borrow_mut().clear();
    }
}

impl FileSystem for Files {
    fn open(&self, path: Option<&[u8]>, mode: OpenMode) -> Result<Box<dyn Stream>, FsError> {
        let Some(path) = path else {
            return Ok(Box::new(OpenFile::new(self.new_file(), mode)));
        };
        let key = normalize(path)?;
        let mut tree = self.tree.borrow_mut();
        let file = if mode.create {
            let (file, created) = tree.file_or_create(&key, || self.new_file())?;
            if let Some(created) = created {
                tree.insert_file(&key, created)?;
            }
            file
        } else {
            tree.file(&key)?
        };
        if mode.truncate {
            file.borrow_mut().resize(0)?;
        }
        Ok(Box::new(OpenFile::new(file, mode)))
    }

    fn remove(&self, path: &[u8]) -> Result<(), FsError> {
        self.tree.borrow_mut().remove(&normalize(path)?)
    }

    fn rename(&self, from: &[u8], to: &[u8]) -> Result<(), FsError> {
        self.tree.borrow_mut().rename(&normalize(from)?, &normalize(to)?)
    }

    /// `/tmp/lua_XXXXXX`, made as an empty file so that the name stays taken (as `mkstemp`).
    fn temp_name(&self, max: usize) -> Result<Vec<u8>, FsError> {
        let mut tree = self.tree.borrow_mut();
        tree.mkdir_all(TEMP_DIR)?;
        loop {
            let n = self.temp_counter.get().wrapping_add(1);
            self.temp_counter.set(n);
            let key = format!("{TEMP_DIR}/lua_{n:06x}");
            if !tree.exists(&key) {
                let name = format!("/{key}").into_bytes();
                if name.len() > max {
                    return Err(FsError::Invalid);
                }
                tree.insert_file(&key, self.new_file())?;
                return Ok(name);
            }
        }
    }

    fn read_stdin(&self, buf: &mut [u8]) -> usize {
        let stdin = self.stdin.borrow();
        let start = self.stdin_read.get().min(stdin.len());
        let n = buf.len().min(stdin.len() - start);
        buf[..n].copy_from_slice(&stdin[start..start + n]);
        self.stdin_read.set(start + n);
        n
    }

    fn getenv(&self, name: &[u8]) -> *const c_char {
        self.env
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map_or(core::ptr::null(), |(_, value)| value.as_ptr())
    }
}

/// The file system of the state running on this thread (the hook lua-sys calls).
pub(crate) fn running() -> Option<NonNull<dyn FileSystem>> {
    let core = crate::output::running();
    // SAFETY: a running Core is alive while it is current (see `output::redirect`).
    (!core.is_null()).then(|| NonNull::from(unsafe { &(*core).files } as &dyn FileSystem))
}
