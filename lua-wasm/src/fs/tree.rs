//! The directory tree of one state's file system: absolute normalised paths to directories and
//! files. There is one root and no current directory other than it: `a/b`, `./a/b` and
//! `/x/../a/b` all name `/a/b`, and `..` at the root stays at the root, so no path reaches
//! outside.

use super::heap_bytes::HeapBytes;
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

/// Paths (normalised, without the root's `/`) to nodes, sorted by path; the root itself is
/// implicit. A sorted vector rather than a map: a VM holds few files, and the module stays
/// smaller without a B-tree's code.
#[derive(Default)]
pub(crate) struct Tree {
    nodes: Vec<(String, Node)>,
}

/// `path` as the tree's key: components joined by `/`, no `.`, `..` resolved inside the root.
/// The root is the empty string.
pub(crate) fn normalize(path: &[u8]) -> Result<String, FsError> {
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
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.nodes.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.find(key).ok().map(|at| &self.nodes[at].1)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    fn insert(&mut self, key: String, node: Node) {
        match self.find(&key) {
            Ok(at) => self.nodes[at].1 = node,
            Err(at) => self.nodes.insert(at, (key, node)),
        }
    }

    fn take(&mut self, key: &str) -> Option<Node> {
        self.find(key).ok().map(|at| self.nodes.remove(at).1)
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
    pub fn insert_file(&mut self, key: &str, file: FileNode) {
        self.insert(key.to_owned(), Node::File(file));
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
                None => self.insert(prefix.to_owned(), Node::Directory),
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
        let start = self.nodes.partition_point(|(k, _)| k.as_str() < prefix.as_str());
        Ok(self.nodes[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| &k[prefix.len()..])
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
        let moved: Vec<String> = self.nodes.iter().map(|(k, _)| k).filter(|k| within(k, from)).cloned().collect();
        for key in moved {
            let node = self.take(&key).expect("listed just above");
            self.insert(format!("{to}{}", &key[from.len()..]), node);
        }
        Ok(())
    }

    /// Drops every node (the state is closing).
    pub fn clear(&mut self) {
        self.nodes.clear();
    }
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
