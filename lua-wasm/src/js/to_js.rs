#![allow(non_snake_case)]

//! Lua values into JavaScript (API.md, "Lua -> JS"), read straight off the Lua stack with
//! calls that neither raise nor allocate, so that no collector step (and no finalizer, which
//! could change a table being traversed and make `lua_next` raise) runs during the walk.
//! Functions and values waiting for their text are kept in slots reserved beforehand (see
//! `refs.rs`); when the reserve runs out the conversion starts again with a bigger one. The
//! same table met twice in one conversion becomes the same JS object.

use super::to_lua::{ConversionError, MAX_DEPTH};
use super::{VmInner, host, interop};
use crate::error::LuaError;
use crate::stack::string_bytes;
use core::ffi::{c_int, c_void};
use js_sys::{Array, BigInt, Map, Object, Reflect, Uint8Array};
use lua_sys::ffi::*;
use std::collections::{HashMap, HashSet};
use wasm_bindgen::JsValue;

/// Converts the values at `indices` of `L` (left in place) in one conversion.
pub(crate) fn convert(vm: &VmInner, L: *mut lua_State, indices: &[c_int]) -> Result<Vec<JsValue>, ConversionError> {
    // SAFETY: L is live.
    let indices: Vec<c_int> = indices.iter().map(|&i| unsafe { lua_absindex(L, i) }).collect();
    loop {
        let mut writer = Writer { vm, L, seen: HashMap::new(), functions: Vec::new(), opaque: Vec::new() };
        match indices.iter().map(|&index| writer.convert(index, 1)).collect::<Result<Vec<_>, _>>() {
            Err(Stop::NeedSlots) => {
                let used = (writer.functions.len() + writer.opaque.len()) as u32;
                drop(writer);
                vm.refs.reserve(vm.lua.core(), L, 2 * used + 16)?;
            }
            Err(Stop::Failed(error)) => return Err(error),
            Ok(values) => {
                writer.finish()?;
                return Ok(values);
            }
        }
    }
}

/// Why a walk stopped.
enum Stop {
    Failed(ConversionError),
    /// The reserved slots ran out: the conversion starts again with more.
    NeedSlots,
}

impl<E: Into<ConversionError>> From<E> for Stop {
    fn from(error: E) -> Self {
        Stop::Failed(error.into())
    }
}

/// One conversion in progress.
struct Writer<'a> {
    vm: &'a VmInner,
    L: *mut lua_State,
    seen: HashMap<*const c_void, JsValue>,
    /// Functions made, with their slot: registered for release once the conversion succeeds.
    functions: Vec<(JsValue, u32)>,
    /// Objects for coroutines and userdata, with the slot of the value each stands for: their
    /// text (`tostring`, which may run a metamethod) is filled in by `finish`.
    opaque: Vec<(JsValue, u32)>,
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

impl Writer<'_> {
    /// Hands the functions over to JS and gives opaque objects their text (running Lua code).
    fn finish(mut self) -> Result<(), LuaError> {
        for (function, id) in std::mem::take(&mut self.functions) {
            interop::with(|i| i.register(&function, self.vm.id, id));
        }
        let core = self.vm.lua.core();
        for (object, id) in std::mem::take(&mut self.opaque) {
            self.vm.refs.push(self.L, id)?;
            let mut text = String::new();
            let result = core.protect(self.L, 1, 0, &mut |L| {
                // SAFETY: the value is argument 1; the string is copied before it is popped.
                unsafe {
                    luaL_tolstring(L, 1, core::ptr::null_mut());
                    text.push_str(&String::from_utf8_lossy(string_bytes(L, -1)));
                }
                0
            });
            self.vm.refs.release(&self.vm.lua, id);
            result?;
            let _ = Reflect::set(&object, &"toString".into(), &interop::with(|i| i.constant_function(&text)));
        }
        Ok(())
    }

    fn convert(&mut self, index: c_int, level: u32) -> Result<JsValue, Stop> {
        let L = self.L;
        // SAFETY: L is live and `index` valid; every call below reads without raising.
        unsafe {
            let index = lua_absindex(L, index);
            Ok(match lua_type(L, index) {
                LUA_TNIL | LUA_TNONE => JsValue::UNDEFINED,
                LUA_TBOOLEAN => JsValue::from_bool(lua_toboolean(L, index) != 0),
                LUA_TNUMBER if lua_isinteger(L, index) != 0 => {
                    let n = lua_tointegerx(L, index, core::ptr::null_mut());
                    if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) { JsValue::from_f64(n as f64) } else { BigInt::from(n).into() }
                }
                LUA_TNUMBER => JsValue::from_f64(lua_tonumberx(L, index, core::ptr::null_mut())),
                LUA_TSTRING => string_to_js(string_bytes(L, index)),
                LUA_TTABLE => match self.seen.get(&lua_topointer(L, index)) {
                    Some(object) => object.clone(),
                    None => self.table(index, level)?,
                },
                LUA_TFUNCTION => match self.seen.get(&lua_topointer(L, index)) {
                    Some(function) => function.clone(),
                    None => {
                        let id = self.anchor(index)?;
                        let function = interop::with(|i| i.lua_function(self.vm.id, id));
                        self.functions.push((function.clone(), id));
                        self.seen.insert(lua_topointer(L, index), function.clone());
                        function
                    }
                },
                kind => match host::proxied(L, index) {
                    Some(object) => object.clone(),
                    None => {
                        let type_name = if kind == LUA_TTHREAD { "thread" } else { "userdata" };
                        let object = interop::with(|i| i.opaque(type_name));
                        let id = self.anchor(index)?;
                        self.opaque.push((object.clone(), id));
                        object
                    }
                },
            })
        }
    }

    /// Keeps the value at `index` in a reserved slot (see `refs.rs`).
    fn anchor(&self, index: c_int) -> Result<u32, Stop> {
        // SAFETY: L is live; the copy is popped by `take`.
        unsafe {
            if lua_checkstack(self.L, 1) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)").into());
            }
            lua_pushvalue(self.L, index);
        }
        self.vm.refs.take(self.L).ok_or(Stop::NeedSlots)
    }

    /// # Safety
    /// L is live; `index` is an absolute index of a table.
    unsafe fn table(&mut self, index: c_int, level: u32) -> Result<JsValue, Stop> {
        if level > MAX_DEPTH {
            return Err(ConversionError::Range(format!("a table nested more than {MAX_DEPTH} levels deep cannot be converted")).into());
        }
        let L = self.L;
        // SAFETY: per the contract; lua_next is given only keys it returned, and no Lua code
        // runs during the traversal, so it never raises.
        unsafe {
            if lua_checkstack(L, 6) == 0 {
                return Err(LuaError::memory("stack overflow (cannot grow the Lua stack)").into());
            }
            let shape = Shape::of(L, index);
            let pointer = lua_topointer(L, index);
            let kind = match shape.kind() {
                Kind::Object if shape.numbers && shape.strings && names_collide(&key_names(L, index)) => Kind::Map,
                kind => kind,
            };
            match kind {
                Kind::Array => {
                    let array = Array::new_with_length(shape.count as u32);
                    self.seen.insert(pointer, array.clone().into());
                    for i in 1..=shape.count {
                        lua_rawgeti(L, index, i as lua_Integer);
                        array.set(i as u32 - 1, self.convert(-1, level + 1)?);
                        lua_settop(L, -2);
                    }
                    Ok(array.into())
                }
                Kind::Object => {
                    let object = Object::new();
                    self.seen.insert(pointer, object.clone().into());
                    lua_pushnil(L);
                    while lua_next(L, index) != 0 {
                        let value = self.convert(-1, level + 1)?;
                        let _ = Reflect::set(&object, &key_name(L, -2).into(), &value);
                        lua_settop(L, -2);
                    }
                    Ok(object.into())
                }
                Kind::Map => {
                    let map = Map::new();
                    self.seen.insert(pointer, map.clone().into());
                    lua_pushnil(L);
                    while lua_next(L, index) != 0 {
                        let key = self.convert(-2, level + 1)?;
                        let value = self.convert(-1, level + 1)?;
                        map.set(&key, &value);
                        lua_settop(L, -2);
                    }
                    Ok(map.into())
                }
            }
        }
    }
}

/// A conversion that did not finish gives its slots back.
impl Drop for Writer<'_> {
    fn drop(&mut self) {
        for (_, id) in self.functions.drain(..).chain(self.opaque.drain(..)) {
            self.vm.refs.release(&self.vm.lua, id);
        }
    }
}

/// A Lua string: a JS string when it is UTF-8, else its bytes.
pub(crate) fn string_to_js(bytes: &[u8]) -> JsValue {
    match std::str::from_utf8(bytes) {
        Ok(text) => JsValue::from_str(text),
        Err(_) => Uint8Array::from(bytes).into(),
    }
}

/// What a table's keys say about its JS form.
struct Shape {
    count: usize,
    /// Every key is an integer in 1..=count.
    sequence: bool,
    strings: bool,
    numbers: bool,
    /// A key that is neither a string nor a number, or a string that is not UTF-8.
    unnamed: bool,
}

enum Kind {
    Array,
    Object,
    Map,
}

impl Shape {
    /// # Safety
    /// L is live with two free slots; `index` is an absolute index of a table.
    unsafe fn of(L: *mut lua_State, index: c_int) -> Shape {
        let mut shape = Shape { count: 0, sequence: true, strings: false, numbers: false, unnamed: false };
        let mut largest = 0;
        // SAFETY: per the contract; keys come from lua_next itself.
        unsafe {
            lua_pushnil(L);
            while lua_next(L, index) != 0 {
                shape.count += 1;
                match lua_type(L, -2) {
                    LUA_TNUMBER => {
                        shape.numbers = true;
                        if lua_isinteger(L, -2) != 0 && lua_tointegerx(L, -2, core::ptr::null_mut()) >= 1 {
                            largest = largest.max(lua_tointegerx(L, -2, core::ptr::null_mut()));
                        } else {
                            shape.sequence = false;
                        }
                    }
                    LUA_TSTRING => {
                        shape.strings = true;
                        shape.sequence = false;
                        shape.unnamed |= std::str::from_utf8(string_bytes(L, -2)).is_err();
                    }
                    _ => {
                        shape.sequence = false;
                        shape.unnamed = true;
                    }
                }
                lua_settop(L, -2);
            }
        }
        shape.sequence &= shape.count >= 1 && largest as usize == shape.count;
        shape
    }

    fn kind(&self) -> Kind {
        if self.sequence {
            Kind::Array
        } else if self.unnamed {
            Kind::Map
        } else {
            Kind::Object
        }
    }
}

/// The property name of the key at `index` (a string or a number): as Lua's `tostring`
/// writes it.
///
/// # Safety
/// L is live; the key is a UTF-8 string or a number.
unsafe fn key_name(L: *mut lua_State, index: c_int) -> String {
    // SAFETY: per the contract.
    unsafe {
        if lua_type(L, index) == LUA_TSTRING {
            String::from_utf8_lossy(string_bytes(L, index)).into_owned()
        } else if lua_isinteger(L, index) != 0 {
            lua_tointegerx(L, index, core::ptr::null_mut()).to_string()
        } else {
            float_name(lua_tonumberx(L, index, core::ptr::null_mut()))
        }
    }
}

/// Lua's `tostring` of a float: C's `%.14g` on 5.4; on 5.5 `%.15g`, or `%.17g` when that does
/// not read back; plus ".0" when the result looks like an integer.
pub(crate) fn float_name(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan".into() } else { "nan".into() };
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let mut text = if cfg!(feature = "lua55") {
        let short = format_g(n, 15);
        if short.parse::<f64>() == Ok(n) { short } else { format_g(n, 17) }
    } else {
        format_g(n, 14)
    };
    if text.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
        text.push_str(".0");
    }
    text
}

/// C's `%.<precision>g` of a finite float.
fn format_g(n: f64, precision: i32) -> String {
    // `{:e}` with precision - 1 decimals rounds to `precision` significant digits, as %g does
    // before choosing between fixed and exponent notation.
    let scientific = format!("{:.*e}", (precision - 1) as usize, n);
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("a decimal exponent");
    if (-4..precision).contains(&exponent) {
        let fixed = format!("{:.*}", (precision - 1 - exponent) as usize, n);
        trim_fraction(&fixed).to_owned()
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), exponent.abs())
    }
}

fn trim_fraction(text: &str) -> &str {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text }
}

/// The property names of every key of the table at `index`.
///
/// # Safety
/// L is live with two free slots; `index` is an absolute index of a table whose keys are
/// UTF-8 strings and numbers.
unsafe fn key_names(L: *mut lua_State, index: c_int) -> Vec<String> {
    let mut names = Vec::new();
    // SAFETY: per the contract; keys come from lua_next itself.
    unsafe {
        lua_pushnil(L);
        while lua_next(L, index) != 0 {
            names.push(key_name(L, -2));
            lua_settop(L, -2);
        }
    }
    names
}

/// Whether two keys would give the same property name (`1` and `"1"`).
fn names_collide(names: &[String]) -> bool {
    let mut set = HashSet::with_capacity(names.len());
    names.iter().any(|name| !set.insert(name.as_str()))
}
