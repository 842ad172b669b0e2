#![allow(non_snake_case)]

//! JavaScript values into Lua (API.md, "JS -> Lua"), in two steps so that no Lua error can
//! `longjmp` over a JavaScript handle: the JS value is first read into a [`Node`] tree owned by
//! Rust (functions and proxies, which need Lua objects of their own, are made at that step),
//! then one protected call pushes the whole tree. The same JS object met twice in one
//! conversion becomes the same Lua value, so cycles are kept.

use super::{VmInner, host, interop};
use crate::error::{LuaError, Result};
use crate::state::Core;
use crate::value::Value;
use core::ffi::c_int;
use js_sys::{Array, BigInt, Map, Object, Reflect, Uint8Array};
use lua_sys::ffi::*;
use wasm_bindgen::{JsCast, JsValue};

/// Nested tables allowed in one conversion (the outermost is level 1).
pub(crate) const MAX_DEPTH: u32 = 100;

/// A JS value read into Rust, ready to push.
pub(crate) enum Node {
    Nil,
    Boolean(bool),
    Integer(i64),
    Number(f64),
    String(Vec<u8>),
    /// A table; `id` names it for later `Seen` nodes.
    Table { id: usize, array: Vec<Node>, pairs: Vec<(Node, Node)> },
    /// A table met earlier in the same conversion.
    Seen(usize),
    /// A value that already is a Lua object (a function, a proxy).
    Lua(Value),
}

/// Why a JS value could not be converted.
pub(crate) enum ConversionError {
    /// Too deep, or a BigInt out of range: a `RangeError` in JS.
    Range(String),
    /// A Lua error (out of memory making a function or proxy).
    Lua(LuaError),
}

impl From<LuaError> for ConversionError {
    fn from(error: LuaError) -> Self {
        ConversionError::Lua(error)
    }
}

/// Reads JS values into one tree (one conversion: identity is shared among them).
pub(crate) struct Reader<'a> {
    vm: &'a VmInner,
    /// JS object -> table id (>= 0), or -1 - index into `values`.
    seen: Option<Map>,
    /// Functions and proxies made in this conversion.
    values: Vec<Value>,
    tables: usize,
    /// Which table ids are met more than once (they are kept in a scratch table while pushing).
    shared: Vec<bool>,
    object_prototype: JsValue,
}

enum Seen {
    Table(usize),
    Value(Value),
}

impl<'a> Reader<'a> {
    pub fn new(vm: &'a VmInner) -> Self {
        let object_prototype = Object::get_prototype_of(&Object::new()).into();
        Reader { vm, seen: None, values: Vec::new(), tables: 0, shared: Vec::new(), object_prototype }
    }

    /// Reads `value` as one Lua value.
    pub fn read(&mut self, value: &JsValue) -> Result<Node, ConversionError> {
        self.node(value, 1)
    }

    fn seen(&mut self) -> &Map {
        self.seen.get_or_insert_with(Map::new)
    }

    fn node(&mut self, value: &JsValue, level: u32) -> Result<Node, ConversionError> {
        if value.is_undefined() || value.is_null() {
            return Ok(Node::Nil);
        }
        if let Some(b) = value.as_bool() {
            return Ok(Node::Boolean(b));
        }
        if let Some(n) = value.as_f64() {
            return Ok(number(n));
        }
        if let Some(s) = value.as_string() {
            return Ok(Node::String(s.into_bytes()));
        }
        if value.is_bigint() {
            return bigint(value);
        }
        if let Some(found) = self.lookup(value) {
            return Ok(match found {
                Seen::Table(id) => {
                    self.shared[id] = true;
                    Node::Seen(id)
                }
                Seen::Value(value) => Node::Lua(value),
            });
        }
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            return Ok(Node::String(bytes.to_vec()));
        }
        if value.is_function() {
            let function = match interop::with(|i| i.lua_ref_of(self.vm.id, value)) {
                Some(id) => self.vm.stored_value(id)?,
                None => Value::Function(host::js_function(self.vm, value.clone().unchecked_into())?),
            };
            self.remember(value, Seen::Value(function.clone()));
            return Ok(Node::Lua(function));
        }
        let is_array = Array::is_array(value);
        let map = value.dyn_ref::<Map>();
        if !is_array && map.is_none() && !self.is_plain_object(value) {
            let proxy = host::proxy(self.vm, value.clone())?;
            self.remember(value, Seen::Value(proxy.clone()));
            return Ok(Node::Lua(proxy));
        }
        if level > MAX_DEPTH {
            return Err(ConversionError::Range(format!("a value nested more than {MAX_DEPTH} levels deep cannot be converted")));
        }
        let id = self.tables;
        self.tables += 1;
        self.shared.push(false);
        self.remember(value, Seen::Table(id));
        let (mut array, mut pairs) = (Vec::new(), Vec::new());
        if is_array {
            let items: &Array = value.unchecked_ref();
            array.reserve(items.length() as usize);
            for item in items.iter() {
                array.push(self.node(&item, level + 1)?);
            }
        } else if let Some(map) = map {
            for entry in map.entries().into_iter() {
                let entry: Array = entry.map_err(|e| ConversionError::Range(interop::message_of(&e)))?.unchecked_into();
                pairs.push((self.node(&entry.get(0), level + 1)?, self.node(&entry.get(1), level + 1)?));
            }
        } else {
            let object: &Object = value.unchecked_ref();
            for key in Object::keys(object).iter() {
                let item = Reflect::get(value, &key).map_err(|e| ConversionError::Range(interop::message_of(&e)))?;
                pairs.push((Node::String(key.as_string().unwrap_or_default().into_bytes()), self.node(&item, level + 1)?));
            }
        }
        Ok(Node::Table { id, array, pairs })
    }

    /// A plain object: its prototype is `Object.prototype` or null.
    fn is_plain_object(&self, value: &JsValue) -> bool {
        if !value.is_object() {
            return false;
        }
        let prototype: JsValue = Object::get_prototype_of(value).into();
        prototype.is_null() || prototype == self.object_prototype
    }

    fn lookup(&mut self, value: &JsValue) -> Option<Seen> {
        if !value.is_object() && !value.is_function() {
            return None;
        }
        let found = self.seen.as_ref()?.get(value);
        let n = found.as_f64()?;
        Some(if n >= 0.0 { Seen::Table(n as usize) } else { Seen::Value(self.values[(-n) as usize - 1].clone()) })
    }

    fn remember(&mut self, key: &JsValue, seen: Seen) {
        let tag = match seen {
            Seen::Table(id) => id as f64,
            Seen::Value(value) => {
                self.values.push(value);
                -(self.values.len() as f64)
            }
        };
        self.seen().set(key, &tag.into());
    }

    /// Which tables must be kept while pushing (met again later).
    pub fn shared(&self) -> &[bool] {
        &self.shared
    }
}

/// A JS number: an integer when `Number.isInteger`, not -0 and in [-2^63, 2^63).
fn number(n: f64) -> Node {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if n.fract() == 0.0 && (-TWO_63..TWO_63).contains(&n) && !(n == 0.0 && n.is_sign_negative()) {
        Node::Integer(n as i64)
    } else {
        Node::Number(n)
    }
}

fn bigint(value: &JsValue) -> Result<Node, ConversionError> {
    let big: &BigInt = value.unchecked_ref();
    let text: String = big.to_string(10).map(String::from).unwrap_or_default();
    text.parse::<i64>()
        .map(Node::Integer)
        .map_err(|_| ConversionError::Range(format!("the BigInt {text} is outside the range of a Lua integer (int64)")))
}

/// Pushes `roots` onto `L` in one protected call; `shared` as [`Reader::shared`].
pub(crate) fn push(core: &Core, L: *mut lua_State, roots: &[Node], shared: &[bool]) -> Result<()> {
    let needs_scratch = shared.iter().any(|&s| s);
    core.protect(L, 0, LUA_MULTRET, &mut |L| {
        // SAFETY: L is live, inside the protected call; the nodes are only borrowed.
        unsafe {
            let scratch = if needs_scratch {
                lua_createtable(L, shared.len() as c_int, 0);
                lua_gettop(L)
            } else {
                0
            };
            for node in roots {
                push_node(core, L, node, scratch, shared);
            }
            roots.len() as c_int
        }
    })
}

/// # Safety
/// Inside a protected call on `L`; `scratch` is 0 or the index of the scratch table.
unsafe fn push_node(core: &Core, L: *mut lua_State, node: &Node, scratch: c_int, shared: &[bool]) {
    // SAFETY: per the contract: raising here unwinds only frames that hold references.
    unsafe {
        luaL_checkstack(L, 4, c"value nested too deeply".as_ptr());
        match node {
            Node::Nil => lua_pushnil(L),
            Node::Boolean(b) => lua_pushboolean(L, c_int::from(*b)),
            Node::Integer(n) => lua_pushinteger(L, *n),
            Node::Number(n) => lua_pushnumber(L, *n),
            Node::String(bytes) => {
                lua_pushlstring(L, bytes.as_ptr().cast(), bytes.len());
            }
            Node::Lua(value) => {
                if core.push_value(L, value).is_err() {
                    lua_pushnil(L);
                }
            }
            Node::Seen(id) => {
                lua_rawgeti(L, scratch, *id as lua_Integer + 1);
            }
            Node::Table { id, array, pairs } => {
                lua_createtable(L, array.len().min(c_int::MAX as usize) as c_int, pairs.len().min(c_int::MAX as usize) as c_int);
                if shared[*id] {
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, scratch, *id as lua_Integer + 1);
                }
                for (index, item) in array.iter().enumerate() {
                    push_node(core, L, item, scratch, shared);
                    lua_rawseti(L, -2, index as lua_Integer + 1);
                }
                for (key, value) in pairs {
                    push_node(core, L, key, scratch, shared);
                    push_node(core, L, value, scratch, shared);
                    lua_rawset(L, -3);
                }
            }
        }
    }
}
