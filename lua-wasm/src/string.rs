//! Reading Lua strings from Rust.

use crate::error::{LuaError, Result};
use crate::state::string_bytes;
use crate::value::LuaString;

impl LuaString {
    /// A copy of the string's bytes (empty once the state is closed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let core = self.0.core();
        let Ok(entry) = core.enter() else { return Vec::new() };
        if core.push_ref(entry.L, &self.0).is_err() {
            return Vec::new();
        }
        // SAFETY: a string is on top; its bytes are copied before the entry pops it.
        unsafe { string_bytes(entry.L, -1) }.to_vec()
    }

    /// The string as UTF-8 text; a conversion error when it is not.
    pub fn to_str(&self) -> Result<String> {
        String::from_utf8(self.to_bytes()).map_err(|_| LuaError::conversion("the Lua string is not valid UTF-8"))
    }

    /// The string as text, with U+FFFD for bytes that are not UTF-8.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }
}
