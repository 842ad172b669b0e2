#![allow(non_snake_case)]

//! Reading Lua strings from Rust.

use crate::error::{LuaError, Result};
use crate::stack::string_bytes;
use crate::value::{LuaString, Value};
use lua_sys::ffi::*;

impl LuaString {
    /// A copy of the string's bytes (empty once the state is closed).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes().unwrap_or_default()
    }

    /// A copy of the string's bytes; an error once the state is closed.
    pub(crate) fn bytes(&self) -> Result<Vec<u8>> {
        let core = self.0.core();
        let entry = core.enter()?;
        core.push_ref(entry.L, &self.0)?;
        // SAFETY: a string is on top; its bytes are copied before the entry pops it.
        Ok(unsafe { string_bytes(entry.L, -1) }.to_vec())
    }

    /// The string as UTF-8 text; a conversion error when it is not.
    pub fn to_str(&self) -> Result<String> {
        String::from_utf8(self.bytes()?).map_err(|_| LuaError::conversion("the Lua string is not valid UTF-8"))
    }

    /// The string as text, with U+FFFD for bytes that are not UTF-8.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }

    /// The number Lua's own coercion makes of the string (as in `"0x10" + 0`), if any.
    pub(crate) fn to_number(&self) -> Result<Option<Value>> {
        let core = self.0.core();
        let entry = core.enter()?;
        let L = entry.L;
        core.push_ref(L, &self.0)?;
        // SAFETY: a string is on top; Lua keeps it NUL-terminated. lua_stringtonumber only parses
        // (it never raises) and pushes the number into the slot lua_checkstack reserved; the entry
        // pops everything. A string with a NUL inside converts only up to it: not a number.
        unsafe {
            if lua_checkstack(L, 1) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)"));
            }
            let mut len = 0;
            let text = lua_tolstring(L, -1, &mut len);
            if lua_stringtonumber(L, text) != len + 1 {
                return Ok(None);
            }
            Ok(Some(if lua_isinteger(L, -1) != 0 {
                Value::Integer(lua_tointegerx(L, -1, core::ptr::null_mut()))
            } else {
                Value::Number(lua_tonumberx(L, -1, core::ptr::null_mut()))
            }))
        }
    }
}
