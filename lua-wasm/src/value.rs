//! [`Value`]: any Lua value seen from Rust, and the handles to Lua objects it holds.

use crate::reference::LuaRef;
use core::ffi::c_void;

/// A Lua value. Strings, tables, functions, threads and userdata are handles that keep the
/// object alive (through the registry) until the last clone is dropped.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Boolean(bool),
    /// An integer (a number subtype in Lua).
    Integer(i64),
    /// A float.
    Number(f64),
    /// A byte string.
    String(LuaString),
    /// A table.
    Table(Table),
    /// A Lua or Rust function.
    Function(Function),
    /// A coroutine.
    Thread(Thread),
    /// A full userdata.
    UserData(AnyUserData),
    /// A light userdata: a bare pointer.
    LightUserData(*mut c_void),
}

/// Equal as Lua's raw equality (`rawequal`): numbers by value (`1 == 1.0`), strings by
/// content, other objects by identity.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Integer(a), Value::Integer(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Integer(i), Value::Number(f)) | (Value::Number(f), Value::Integer(i)) => {
                // Exact, as Lua compares: the float must be integral and in range.
                f.fract() == 0.0 && *f >= -9_223_372_036_854_775_808.0 && *f < 9_223_372_036_854_775_808.0 && *f as i64 == *i
            }
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            (Value::UserData(a), Value::UserData(b)) => a == b,
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// Lua's name of the value's type (`type(v)`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::Integer(_) | Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::Thread(_) => "thread",
            Value::UserData(_) | Value::LightUserData(_) => "userdata",
        }
    }

    /// Whether this is `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq)]
        pub struct $name(pub(crate) LuaRef);

        impl $name {
            pub(crate) fn reference(&self) -> &LuaRef {
                &self.0
            }
        }

        impl From<LuaRef> for $name {
            fn from(reference: LuaRef) -> Self {
                $name(reference)
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }
    };
}

handle!(
    /// A Lua table (see `table.rs` for its methods).
    Table
);
handle!(
    /// A Lua function, or a Rust one made with [`Lua::create_function`](crate::Lua::create_function).
    Function
);
handle!(
    /// A Lua coroutine (opaque from Rust).
    Thread
);
handle!(
    /// A full userdata (opaque from Rust).
    AnyUserData
);

/// A Lua string: bytes, not necessarily UTF-8.
#[derive(Clone)]
pub struct LuaString(pub(crate) LuaRef);

impl LuaString {
    pub(crate) fn reference(&self) -> &LuaRef {
        &self.0
    }
}

impl From<LuaRef> for LuaString {
    fn from(reference: LuaRef) -> Self {
        LuaString(reference)
    }
}

/// Strings compare by content, as in Lua.
impl PartialEq for LuaString {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.to_bytes() == other.to_bytes()
    }
}

impl core::fmt::Debug for LuaString {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.to_bytes()))
    }
}

/// Several values: arguments or results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultiValue(Vec<Value>);

impl MultiValue {
    /// No values.
    pub fn new() -> Self {
        MultiValue(Vec::new())
    }
    /// These values, in order.
    pub fn from_vec(values: Vec<Value>) -> Self {
        MultiValue(values)
    }
    /// The values, in order.
    pub fn into_vec(self) -> Vec<Value> {
        self.0
    }
    /// Appends a value.
    pub fn push(&mut self, value: Value) {
        self.0.push(value)
    }
}

impl core::ops::Deref for MultiValue {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl IntoIterator for MultiValue {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Value> for MultiValue {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        MultiValue(iter.into_iter().collect())
    }
}

/// Any number of values of one type, as the last of a callback's arguments or results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variadic<T>(pub Vec<T>);

impl<T> core::ops::Deref for Variadic<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}
