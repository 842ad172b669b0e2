//! Conversions between Rust values and Lua values: [`IntoLua`]/[`FromLua`] for one value,
//! [`IntoLuaMulti`]/[`FromLuaMulti`] for argument and result lists (tuples, `MultiValue`,
//! `Variadic`). `Vec<u8>` and `&[u8]` are byte strings; `Vec<T>` is a sequence table, which is
//! why `u8` itself converts only inside `Vec<u8>`.

use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::value::{AnyUserData, Function, LuaString, MultiValue, Table, Thread, Value, Variadic};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// A Rust value that can become one Lua value.
pub trait IntoLua {
    /// Converts `self` into a value of `lua`'s state.
    fn into_lua(self, lua: &Lua) -> Result<Value>;
}

/// A Rust value that can be made from one Lua value.
pub trait FromLua: Sized {
    /// Converts `value`; a value of another type is an [`ErrorKind::Conversion`](crate::ErrorKind::Conversion) error.
    fn from_lua(value: Value, lua: &Lua) -> Result<Self>;
}

/// A Rust value that becomes a list of Lua values (arguments or results).
pub trait IntoLuaMulti {
    /// Converts `self` into values of `lua`'s state.
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue>;
}

/// A Rust value made from a list of Lua values (arguments or results).
pub trait FromLuaMulti: Sized {
    /// Converts `values` (missing ones are nil, extra ones ignored where the type allows).
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self>;
}

fn mismatch<T>(value: &Value, to: &str) -> Result<T> {
    Err(LuaError::conversion(format!("cannot convert a Lua {} to {to}", value.type_name())))
}

impl IntoLua for Value {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self)
    }
}

impl FromLua for Value {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        Ok(value)
    }
}

macro_rules! handle_conversions {
    ($($name:ident => $variant:ident),*) => {$(
        impl IntoLua for $name {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self))
            }
        }
        impl IntoLua for &$name {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self.clone()))
            }
        }
        impl FromLua for $name {
            fn from_lua(value: Value, _: &Lua) -> Result<Self> {
                match value {
                    Value::$variant(handle) => Ok(handle),
                    other => mismatch(&other, stringify!($name)),
                }
            }
        }
    )*};
}

handle_conversions!(LuaString => String, Table => Table, Function => Function, Thread => Thread, AnyUserData => UserData);

impl IntoLua for bool {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Boolean(self))
    }
}

/// Lua's truthiness: `nil` and `false` are false, everything else true.
impl FromLua for bool {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        Ok(!matches!(value, Value::Nil | Value::Boolean(false)))
    }
}

/// A number from a Lua number or a numeric string, as Lua's arithmetic coerces.
fn to_number(value: &Value) -> Result<Option<Value>> {
    match value {
        Value::Integer(_) | Value::Number(_) => Ok(Some(value.clone())),
        Value::String(s) => s.to_number(),
        _ => Ok(None),
    }
}

macro_rules! integer_conversions {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(match i64::try_from(self) {
                    Ok(n) => Value::Integer(n),
                    Err(_) => Value::Number(self as f64),
                })
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &Lua) -> Result<Self> {
                let out_of_range = || LuaError::conversion(format!("number out of range for {}", stringify!($t)));
                match to_number(&value)? {
                    Some(Value::Integer(n)) => <$t>::try_from(n).map_err(|_| out_of_range()),
                    Some(Value::Number(f)) if f.fract() == 0.0 && f >= <$t>::MIN as f64 && f < <$t>::MAX as f64 + 1.0 => Ok(f as $t),
                    Some(Value::Number(_)) => Err(out_of_range()),
                    _ => mismatch(&value, stringify!($t)),
                }
            }
        }
    )*};
}

integer_conversions!(i8, i16, i32, i64, isize, u16, u32, u64, usize);

macro_rules! float_conversions {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::Number(f64::from(self)))
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &Lua) -> Result<Self> {
                match to_number(&value)? {
                    Some(Value::Integer(n)) => Ok(n as $t),
                    Some(Value::Number(f)) => Ok(f as $t),
                    _ => mismatch(&value, stringify!($t)),
                }
            }
        }
    )*};
}

float_conversions!(f32, f64);

impl IntoLua for &str {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        lua.create_string(self).map(Value::String)
    }
}

impl IntoLua for String {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        self.as_str().into_lua(lua)
    }
}

impl IntoLua for &String {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        self.as_str().into_lua(lua)
    }
}

impl IntoLua for &[u8] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        lua.create_string(self).map(Value::String)
    }
}

impl IntoLua for Vec<u8> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        self.as_slice().into_lua(lua)
    }
}

/// The bytes of a string, or of a number as `tostring` writes it.
fn string_bytes(value: &Value, lua: &Lua, to: &str) -> Result<Vec<u8>> {
    match value {
        Value::String(s) => s.bytes(),
        Value::Integer(n) => Ok(n.to_string().into_bytes()),
        Value::Number(n) => lua.number_to_string(*n).map(String::into_bytes),
        other => mismatch(other, to),
    }
}

/// A UTF-8 string (numbers as `tostring` writes them); other bytes are a conversion error.
impl FromLua for String {
    fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
        String::from_utf8(string_bytes(&value, lua, "String")?).map_err(|_| LuaError::conversion("the Lua string is not valid UTF-8"))
    }
}

/// The bytes of a Lua string.
impl FromLua for Vec<u8> {
    fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
        string_bytes(&value, lua, "Vec<u8>")
    }
}

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        self.map_or(Ok(Value::Nil), |v| v.into_lua(lua))
    }
}

impl<T: FromLua> FromLua for Option<T> {
    fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
        match value {
            Value::Nil => Ok(None),
            other => T::from_lua(other, lua).map(Some),
        }
    }
}

/// A sequence table `{[1] = v[0], ...}`.
impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        lua.create_sequence_from(self).map(Value::Table)
    }
}

/// The sequence part of a table (`t[1]` up to the first nil), raw access.
impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
        match value {
            Value::Table(table) => table.sequence_values().collect(),
            other => {
                let _ = lua;
                mismatch(&other, "Vec")
            }
        }
    }
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        lua.create_table_from(self).map(Value::Table)
    }
}

impl<K: FromLua + Eq + Hash, V: FromLua, S: BuildHasher + Default> FromLua for HashMap<K, V, S> {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::Table(table) => table.pairs().collect(),
            other => mismatch(&other, "HashMap"),
        }
    }
}

impl<K: IntoLua, V: IntoLua> IntoLua for BTreeMap<K, V> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        lua.create_table_from(self).map(Value::Table)
    }
}

impl<K: FromLua + Ord, V: FromLua> FromLua for BTreeMap<K, V> {
    fn from_lua(value: Value, _: &Lua) -> Result<Self> {
        match value {
            Value::Table(table) => table.pairs().collect(),
            other => mismatch(&other, "BTreeMap"),
        }
    }
}

// ---- lists of values ----

impl<T: IntoLua> IntoLuaMulti for T {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        Ok(MultiValue::from_vec(vec![self.into_lua(lua)?]))
    }
}

/// The first value (nil when there is none); the rest are ignored.
impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
        T::from_lua(values.into_iter().next().unwrap_or(Value::Nil), lua)
    }
}

impl IntoLuaMulti for MultiValue {
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(self)
    }
}

impl FromLuaMulti for MultiValue {
    fn from_lua_multi(values: MultiValue, _: &Lua) -> Result<Self> {
        Ok(values)
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self.0.into_iter().map(|v| v.into_lua(lua)).collect()
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
        values.into_iter().map(|v| T::from_lua(v, lua)).collect::<Result<_>>().map(Variadic)
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(MultiValue::new())
    }
}

impl FromLuaMulti for () {
    fn from_lua_multi(_: MultiValue, _: &Lua) -> Result<Self> {
        Ok(())
    }
}

/// Tuples: every element but the last is one value; the last may take the rest (`Variadic`).
macro_rules! tuple_conversions {
    ($($name:ident)* ; $last:ident) => {
        impl<$($name: IntoLua,)* $last: IntoLuaMulti> IntoLuaMulti for ($($name,)* $last,) {
            #[allow(non_snake_case)]
            fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
                let ($($name,)* $last,) = self;
                let mut values = MultiValue::new();
                $(values.push($name.into_lua(lua)?);)*
                for value in $last.into_lua_multi(lua)? {
                    values.push(value);
                }
                Ok(values)
            }
        }

        impl<$($name: FromLua,)* $last: FromLuaMulti> FromLuaMulti for ($($name,)* $last,) {
            #[allow(non_snake_case)]
            fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
                #[allow(unused_mut)]
                let mut values = values.into_iter();
                $(let $name = $name::from_lua(values.next().unwrap_or(Value::Nil), lua)?;)*
                let $last = $last::from_lua_multi(values.collect(), lua)?;
                Ok(($($name,)* $last,))
            }
        }
    };
}

tuple_conversions!(; A);
tuple_conversions!(A ; B);
tuple_conversions!(A B ; C);
tuple_conversions!(A B C ; D);
tuple_conversions!(A B C D ; E);
tuple_conversions!(A B C D E ; F);
tuple_conversions!(A B C D E F ; G);
tuple_conversions!(A B C D E F G ; H);
