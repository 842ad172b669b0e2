//! The directory tree of one state's file system: absolute normalised paths to directories and
//! files. There is one root and no current directory other than it: `a/b`, `./a/b` and
//! `/x/../a/b` all name `/a/b`, and `..` at the root stays at the root, so no path reaches
//! outside.

use super::heap_bytes::HeapBytes;
use core::ffi::c_void;
use lua_sys::ffi::lua_Alloc;
use lua_sys::host::FsError;
use std::cell::RefCell;
use std::rc::Rc;

/// A file's contents, shared by the tree and every stream open on it (an unlinked file lives
/// until its last stream closes, as on POSIX).
pub(crate) type FileNode = Rc<RefCell<HeapBytes>>;

pub(crate) enum Node {
    Directory,
    File(FileNode),
}

/// The longest path, in bytes (PATH_MAX on Linux).
const MAX_PATH: usize = 4096;
/// What one entry costs besides its path's bytes, charged with them to the state's heap so that
/// a script cannot grow the tree past its memory limit.
const ENTRY_BYTES: usize = 48;

/// Paths (normalised, without the root's `/`) to nodes, sorted by path; the root itself is
/// implicit. A sorted vector rather than a map: a VM holds few files, and the module stays
/// smaller without a B-tree's code.
#[derive(Default)]
pub(crate) struct Tree {
    nodes: Vec<(String, Node, HeapBytes)>,
    /// The state's allocator, which each entry's charge comes from (None: nothing is charged).
    allocator: Option<(lua_Alloc, *mut c_void)>,
}

/// `path` as the tree's key: components joined by `/`, no `.`, `..` resolved inside the root.
/// The root is the empty string.
pub(crate) fn normalize(path: &[u8]) -> Result<String, FsError> {
    if path.len() > MAX_PATH {
        return Err(FsError::NameTooLong);
    }
    let path = std::str::from_utf8(path).map_err(|_| FsError::Invalid)?;
    if path.is_empty() || path.contains('\0') {
        return Err(FsError::NotFound);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    Ok(parts.join("/"))
}

/// The key's parent (the root for a top-level name).
fn parent(key: &str) -> &str {
    key.rfind('/').map_or("", |at| &key[..at])
}

/// Whether `key` is `dir` or inside it.
fn within(key: &str, dir: &str) -> bool {
    dir.is_empty() || key == dir || key.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

impl Tree {
    /// An empty tree whose entries are charged to `allocator`.
    pub fn new(allocator: Option<(lua_Alloc, *mut c_void)>) -> Self {
        Tree { nodes: Vec::new(), allocator }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.nodes.binary_search_by(|(k, _, _)| k.as_str().cmp(key))
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.find(key).ok().map(|at| &self.nodes[at].1)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    fn insert(&mut self, key: String, node: Node) -> Result<(), FsError> {
        match self.find(&key) {
            Ok(at) => self.nodes[at].1 = node,
            Err(at) => {
                let charge = self.charge(key.len())?;
                self.nodes.insert(at, (key, node, charge));
            }
        }
        Ok(())
    }

    /// A block the size of an entry for a `len`-byte path, in the state's heap.
    fn charge(&self, len: usize) -> Result<HeapBytes, FsError> {
        let Some(allocator) = self.allocator else { return Ok(HeapBytes::new(unallocated())) };
        let mut charge = HeapBytes::new(allocator);
        charge.resize(len + ENTRY_BYTES)?;
        Ok(charge)
    }

    fn take(&mut self, key: &str) -> Option<(Node, HeapBytes)> {
        self.find(key).ok().map(|at| {
            let (_, node, charge) = self.nodes.remove(at);
            (node, charge)
        })
    }

    fn is_directory(&self, key: &str) -> bool {
        key.is_empty() || matches!(self.get(key), Some(Node::Directory))
    }

    fn check_parent(&self, key: &str) -> Result<(), FsError> {
        let parent = parent(key);
        if self.is_directory(parent) {
            Ok(())
        } else if self.contains_key(parent) {
            Err(FsError::NotDirectory)
        } else {
            Err(FsError::NotFound)
        }
    }

    pub fn exists(&self, key: &str) -> bool {
        key.is_empty() || self.contains_key(key)
    }

    /// The file at `key`.
    pub fn file(&self, key: &str) -> Result<FileNode, FsError> {
        match self.get(key) {
            Some(Node::File(file)) => Ok(file.clone()),
            Some(Node::Directory) => Err(FsError::IsDirectory),
            None if key.is_empty() => Err(FsError::IsDirectory),
            None => self.check_parent(key).and(Err(FsError::NotFound)),
        }
    }

    /// The file at `key`, made empty (`new` makes it) if it does not exist; its parent must.
    pub fn file_or_create(&self, key: &str, new: impl FnOnce() -> FileNode) -> Result<(FileNode, Option<FileNode>), FsError> {
        match self.file(key) {
            Ok(file) => Ok((file, None)),
            Err(FsError::NotFound) => {
                self.check_parent(key)?;
                let file = new();
                Ok((file.clone(), Some(file)))
            }
            Err(e) => Err(e),
        }
    }

    /// Inserts a file made by `file_or_create`.
    pub fn insert_file(&mut self, key: &str, file: FileNode) -> Result<(), FsError> {
        self.insert(key.to_owned(), Node::File(file))
    }

    /// Creates the directory `key` and any missing parents.
    pub fn mkdir_all(&mut self, key: &str) -> Result<(), FsError> {
        if key.is_empty() {
            return Ok(());
        }
        let mut at = 0;
        for part in key.split('/') {
            at += part.len();
            let prefix = &key[..at];
            match self.get(prefix) {
                Some(Node::Directory) => {}
                Some(Node::File(_)) if prefix == key => return Err(FsError::Exists),
                Some(Node::File(_)) => return Err(FsError::NotDirectory),
                None => self.insert(prefix.to_owned(), Node::Directory)?,
            }
            at += 1;
        }
        Ok(())
    }

    /// Names in the directory `key`, sorted.
    pub fn read_dir(&self, key: &str) -> Result<Vec<String>, FsError> {
        if !self.is_directory(key) {
            return Err(if self.contains_key(key) { FsError::NotDirectory } else { FsError::NotFound });
        }
        let prefix = if key.is_empty() { String::new() } else { format!("{key}/") };
        let start = self.nodes.partition_point(|(k, _, _)| k.as_str() < prefix.as_str());
        Ok(self.nodes[start..]
            .iter()
            .take_while(|(k, _, _)| k.starts_with(&prefix))
            .map(|(k, _, _)| &k[prefix.len()..])
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_owned)
            .collect())
    }

    /// Removes a file or an empty directory.
    pub fn remove(&mut self, key: &str) -> Result<(), FsError> {
        match self.get(key) {
            None if key.is_empty() => Err(FsError::NotPermitted),
            None => self.check_parent(key).and(Err(FsError::NotFound)),
            Some(Node::Directory) if !self.read_dir(key)?.is_empty() => Err(FsError::NotEmpty),
            Some(_) => {
                self.take(key);
                Ok(())
            }
        }
    }

    /// Moves a file or directory (with everything in it), replacing a file at `to`.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        if from.is_empty() || to.is_empty() {
            return Err(FsError::NotPermitted);
        }
        if !self.contains_key(from) {
            return self.check_parent(from).and(Err(FsError::NotFound));
        }
        self.check_parent(to)?;
        if from == to {
            return Ok(());
        }
        let moving_directory = self.is_directory(from);
        if moving_directory && within(to, from) {
            return Err(FsError::Invalid);
        }
        match self.get(to) {
            Some(Node::Directory) if !moving_directory => return Err(FsError::IsDirectory),
            Some(Node::Directory) if !self.read_dir(to)?.is_empty() => return Err(FsError::NotEmpty),
            Some(Node::File(_)) if moving_directory => return Err(FsError::NotDirectory),
            _ => {}
        }
        let moved: Vec<String> = self.nodes.iter().map(|(k, _, _)| k).filter(|k| within(k, from)).cloned().collect();
        if moved.iter().any(|key| to.len() + key.len() - from.len() > MAX_PATH) {
            return Err(FsError::NameTooLong);
        }
        // What is at `to` now (a file, or an empty directory: checked above) is replaced.
        self.take(to);
        for key in moved {
            let (node, charge) = self.take(&key).expect("listed just above");
            let new_key = format!("{to}{}", &key[from.len()..]);
            // The entry's charge moves with it (resized for the new path when that is longer;
            // a failure there leaves the charge as it was, a little under the exact figure).
            let mut charge = charge;
            let _ = charge.resize(new_key.len() + ENTRY_BYTES);
            let at = self.find(&new_key).unwrap_or_else(|at| at);
            self.nodes.insert(at, (new_key, node, charge));
        }
        Ok(())
    }

    /// Drops every node (the state is closing).
    pub fn clear(&mut self) {
        self.nodes.clear();
    }
}

/// An allocator for trees that charge nothing (tests): every request fails, so no block exists.
fn unallocated() -> (lua_Alloc, *mut c_void) {
    unsafe extern "C" fn refuse(_: *mut c_void, _: *mut c_void, _: usize, _: usize) -> *mut c_void {
        core::ptr::null_mut()
    }
    (refuse, core::ptr::null_mut())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        assert_eq!(normalize(b"/a/b").unwrap(), "a/b");
        assert_eq!(normalize(b"a//./b/").unwrap(), "a/b");
        assert_eq!(normalize(b"../../etc/passwd").unwrap(), "etc/passwd");
        assert_eq!(normalize(b"/a/../../b").unwrap(), "b");
        assert_eq!(normalize(b"/").unwrap(), "");
        assert_eq!(normalize(b""), Err(FsError::NotFound));
        assert_eq!(normalize(b"\xff"), Err(FsError::Invalid));
    }

    #[test]
    fn within_is_by_component() {
        assert!(within("a/b", "a"));
        assert!(!within("ab", "a"));
        assert!(within("anything", ""));
    }
}
