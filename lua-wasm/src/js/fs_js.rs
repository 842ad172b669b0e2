//! `vm.fs` (the wrapper in js/luavm.js groups these methods): the VM's in-memory file system
//! from JavaScript, over [`crate::Fs`]. A failure is a LuaError of kind "io" with C's message
//! (`"/a: No such file or directory"`), or of kind "memory" for a file past the memory limit.

use super::{LuaVm, errors, options};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl LuaVm {
    /// Writes a whole file (a string as UTF-8, or a Uint8Array), creating missing directories.
    #[wasm_bindgen(js_name = fsWriteFile)]
    pub fn fs_write_file(&self, path: &str, data: JsValue) -> Result<(), JsValue> {
        let bytes = options::bytes("fs.writeFile(path, data): data", &data)?
            .ok_or_else(|| JsValue::from(js_sys::TypeError::new("fs.writeFile(path, data): data must be a string or a Uint8Array")))?;
        self.inner.lua.fs().write_file(path, bytes).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// A whole file's bytes.
    #[wasm_bindgen(js_name = fsReadFile)]
    pub fn fs_read_file(&self, path: &str) -> Result<Uint8Array, JsValue> {
        let bytes = self.inner.lua.fs().read_file(path).map_err(|e| errors::to_js(&self.inner, e))?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// The names in a directory, sorted.
    #[wasm_bindgen(js_name = fsReaddir)]
    pub fn fs_readdir(&self, path: &str) -> Result<Array, JsValue> {
        let names = self.inner.lua.fs().read_dir(path).map_err(|e| errors::to_js(&self.inner, e))?;
        Ok(names.into_iter().map(JsValue::from).collect())
    }

    /// Creates a directory and its missing parents.
    #[wasm_bindgen(js_name = fsMkdir)]
    pub fn fs_mkdir(&self, path: &str) -> Result<(), JsValue> {
        self.inner.lua.fs().mkdir(path).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Removes a file or an empty directory.
    #[wasm_bindgen(js_name = fsUnlink)]
    pub fn fs_unlink(&self, path: &str) -> Result<(), JsValue> {
        self.inner.lua.fs().unlink(path).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Whether a file or directory exists.
    #[wasm_bindgen(js_name = fsExists)]
    pub fn fs_exists(&self, path: &str) -> bool {
        self.inner.lua.fs().exists(path)
    }
}
