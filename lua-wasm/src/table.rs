#![allow(non_snake_case)]

//! Reading and writing Lua tables from Rust. `get`/`set`/`len` respect metamethods, the
//! `raw_*` methods and iteration do not.

use crate::convert::{FromLua, IntoLua};
use crate::error::Result;
use crate::lua::Lua;
use crate::state::Core;
use crate::value::{Table, Value};
use core::ffi::c_int;
use lua_sys::ffi::*;
use std::marker::PhantomData;

impl Table {
    fn lua(&self) -> &Lua {
        Lua::from_rc(self.0.core())
    }

    /// Pushes the table and `values` onto the current thread and runs `body` on them (the table
    /// is argument 1) under protection, converting the one result it leaves, if any.
    fn with_pushed(&self, values: &[Value], nresults: c_int, body: &mut dyn FnMut(*mut lua_State) -> c_int) -> Result<Value> {
        let core: &Core = self.0.core();
        let entry = core.enter()?;
        let L = entry.L;
        core.push_ref(L, &self.0)?;
        for value in values {
            core.push_value(L, value)?;
        }
        core.protect(L, values.len() as c_int + 1, nresults, body)?;
        if nresults == 0 { Ok(Value::Nil) } else { core.value_at(L, -1) }
    }

    /// `t[key]`, with `__index`.
    pub fn get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let key = key.into_lua(self.lua())?;
        // SAFETY (body): the table and key are arguments 1 and 2.
        let value = self.with_pushed(&[key], 1, &mut |L| unsafe {
            lua_gettable(L, 1);
            1
        })?;
        V::from_lua(value, self.lua())
    }

    /// `t[key] = value`, with `__newindex`.
    pub fn set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let (key, value) = (key.into_lua(self.lua())?, value.into_lua(self.lua())?);
        // SAFETY (body): the table, key and value are arguments 1 to 3.
        self.with_pushed(&[key, value], 0, &mut |L| unsafe {
            lua_settable(L, 1);
            0
        })?;
        Ok(())
    }

    /// `rawget(t, key)`.
    pub fn raw_get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let key = key.into_lua(self.lua())?;
        // SAFETY (body): the table and key are arguments 1 and 2.
        let value = self.with_pushed(&[key], 1, &mut |L| unsafe {
            lua_rawget(L, 1);
            1
        })?;
        V::from_lua(value, self.lua())
    }

    /// `rawset(t, key, value)`.
    pub fn raw_set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let (key, value) = (key.into_lua(self.lua())?, value.into_lua(self.lua())?);
        // SAFETY (body): the table, key and value are arguments 1 to 3.
        self.with_pushed(&[key, value], 0, &mut |L| unsafe {
            lua_rawset(L, 1);
            0
        })?;
        Ok(())
    }

    /// `#t`, with `__len` (whose result must be an integer).
    pub fn len(&self) -> Result<i64> {
        // SAFETY (body): the table is argument 1.
        let length = self.with_pushed(&[], 1, &mut |L| unsafe {
            lua_len(L, 1);
            1
        })?;
        i64::from_lua(length, self.lua())
    }

    /// `#t` without metamethods (the border of the sequence part).
    pub fn raw_len(&self) -> Result<usize> {
        let core: &Core = self.0.core();
        let entry = core.enter()?;
        core.push_ref(entry.L, &self.0)?;
        // SAFETY: the table is on top; lua_rawlen never raises.
        Ok(unsafe { lua_rawlen(entry.L, -1) } as usize)
    }

    /// Whether the table has no keys at all.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.pairs::<Value, Value>().next().transpose()?.is_none())
    }

    /// Every key/value pair, in `next` order, without metamethods.
    pub fn pairs<K: FromLua, V: FromLua>(&self) -> Pairs<K, V> {
        Pairs { table: self.clone(), key: Some(Value::Nil), _types: PhantomData }
    }

    /// `t[1], t[2], ...` up to the first nil, without metamethods.
    pub fn sequence_values<V: FromLua>(&self) -> SequenceValues<V> {
        SequenceValues { table: self.clone(), index: 1, _types: PhantomData }
    }

    /// The same as [`sequence_values`](Table::sequence_values).
    pub fn sequence<V: FromLua>(&self) -> SequenceValues<V> {
        self.sequence_values()
    }
}

/// The iterator of [`Table::pairs`].
pub struct Pairs<K, V> {
    table: Table,
    /// The key to continue from; None once the traversal ended.
    key: Option<Value>,
    _types: PhantomData<(K, V)>,
}

impl<K: FromLua, V: FromLua> Iterator for Pairs<K, V> {
    type Item = Result<(K, V)>;

    fn next(&mut self) -> Option<Self::Item> {
        let key = self.key.take()?;
        let core: &Core = self.table.0.core();
        let step = (|| {
            let entry = core.enter()?;
            let L = entry.L;
            core.push_ref(L, &self.table.0)?;
            core.push_value(L, &key)?;
            core.protect(L, 2, LUA_MULTRET, &mut |L| {
                // SAFETY: the table and key are arguments 1 and 2; lua_next raises only for a
                // key that is not in the table, which protection turns into an error.
                unsafe { if lua_next(L, 1) != 0 { 2 } else { 0 } }
            })?;
            // SAFETY: L is live.
            if unsafe { lua_gettop(L) } == entry.top {
                return Ok(None);
            }
            Ok(Some((core.value_at(L, -2)?, core.value_at(L, -1)?)))
        })();
        match step {
            Ok(None) => None,
            Ok(Some((key, value))) => {
                self.key = Some(key.clone());
                let lua = self.table.lua();
                Some(K::from_lua(key, lua).and_then(|k| Ok((k, V::from_lua(value, lua)?))))
            }
            Err(error) => Some(Err(error)),
        }
    }
}

/// The iterator of [`Table::sequence_values`].
pub struct SequenceValues<V> {
    table: Table,
    index: i64,
    _types: PhantomData<V>,
}

impl<V: FromLua> Iterator for SequenceValues<V> {
    type Item = Result<V>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.index == 0 {
            return None;
        }
        match self.table.raw_get::<_, Value>(self.index) {
            Ok(Value::Nil) => {
                self.index = 0;
                None
            }
            Ok(value) => {
                self.index += 1;
                Some(V::from_lua(value, self.table.lua()))
            }
            Err(error) => {
                self.index = 0;
                Some(Err(error))
            }
        }
    }
}
