//! A file opened by Lua (`io.open`, `io.lines`, `loadfile`, ...): a position in a shared file
//! node, with the access the mode gave.

use super::tree::FileNode;
use lua_sys::host::{FsError, OpenMode, SeekFrom, Stream};

pub(crate) struct OpenFile {
    file: FileNode,
    position: u64,
    mode: OpenMode,
}

impl OpenFile {
    pub fn new(file: FileNode, mode: OpenMode) -> Self {
        OpenFile { file, position: 0, mode }
    }
}

impl Stream for OpenFile {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, FsError> {
        if !self.mode.read {
            return Err(FsError::BadFile);
        }
        let file = self.file.borrow();
        let bytes = file.as_slice();
        let start = usize::try_from(self.position).unwrap_or(usize::MAX).min(bytes.len());
        let n = buf.len().min(bytes.len() - start);
        buf[..n].copy_from_slice(&bytes[start..start + n]);
        self.position += n as u64;
        Ok(n)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), FsError> {
        if !self.mode.write {
            return Err(FsError::BadFile);
        }
        let mut file = self.file.borrow_mut();
        if self.mode.append {
            self.position = file.len() as u64;
        }
        let at = usize::try_from(self.position).map_err(|_| FsError::NoMemory)?;
        file.write_at(at, bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    fn seek(&mut self, to: SeekFrom) -> Result<u64, FsError> {
        let len = self.file.borrow().len() as i128;
        let target = match to {
            SeekFrom::Start(at) => i128::from(at),
            SeekFrom::Current(offset) => i128::from(self.position) + i128::from(offset),
            SeekFrom::End(offset) => len + i128::from(offset),
        };
        self.position = u64::try_from(target).map_err(|_| FsError::Invalid)?;
        Ok(self.position)
    }
}
