#![allow(non_snake_case)]

//! JavaScript inside Lua: JS functions as Lua functions, and other JS objects as proxies (a
//! userdata owning the `JsValue`, see `userdata.rs`): `obj.key` reads the property,
//! `obj.key = v` writes it, `obj:method(...)` calls it with `this` = the object, `#obj` is its
//! `length`, `tostring(obj)` is `String(obj)`.
//!
//! Every call into JS catches what JS throws (a JS exception must never cross Lua's C frames:
//! INTEROP-NOTES.md); it becomes a Lua error raised by the callback trampoline.

use super::to_js;
use super::to_lua::{ConversionError, Reader};
use super::{VmInner, interop};
use crate::callback::Return;
use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::userdata;
use crate::value::{Function, Table, Value};
use core::ffi::{c_int, c_void};
use js_sys::{Array, Reflect};
use lua_sys::ffi::*;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// The registry key of the proxies' metatable (its address is unique).
static PROXY_KEY: u8 = 0;

fn proxy_key() -> *const c_void {
    &PROXY_KEY as *const u8 as *const c_void
}

/// Creates the proxies' metatable, the first time a VM needs it (not at start-up: most VMs
/// never see a proxy).
fn ensure_metatable(vm: &VmInner) -> Result<()> {
    let lua = &vm.lua;
    let core = lua.core();
    let metatable: Table = {
        let entry = core.enter()?;
        // SAFETY: L is live; reading the registry raises nothing.
        let exists = unsafe {
            lua_checkstack(entry.L, 1) != 0 && lua_rawgetp(entry.L, LUA_REGISTRYINDEX, proxy_key()) == LUA_TTABLE
        };
        if exists {
            return Ok(());
        }
        core.protect(entry.L, 0, 1, &mut |L| {
            // SAFETY: L is live, inside the protected call.
            unsafe { userdata::create_metatable::<JsValue>(L, proxy_key()) };
            1
        })?;
        Table(core.anchor_top(entry.L)?)
    };
    let weak = &vm.this;
    let filled = (|| {
        metatable.raw_set("__index", method(lua, weak, index)?)?;
        metatable.raw_set("__newindex", method(lua, weak, new_index)?)?;
        metatable.raw_set("__len", method(lua, weak, length)?)?;
        metatable.raw_set("__tostring", method(lua, weak, to_string)?)?;
        metatable.raw_set("__name", "JsObject")
    })();
    if filled.is_err() {
        // Out of memory half-way: forget the metatable, so that the next proxy tries again.
        let entry = core.enter()?;
        // SAFETY: L is live; clearing an existing registry key allocates nothing.
        unsafe {
            lua_pushnil(entry.L);
            lua_rawsetp(entry.L, LUA_REGISTRYINDEX, proxy_key());
        }
    }
    filled
}

/// A metamethod: `body` gets the VM, the thread, the proxied object and the argument count.
fn method(lua: &Lua, vm: &Weak<VmInner>, body: fn(&VmInner, *mut lua_State, &JsValue, c_int) -> Result<c_int>) -> Result<Function> {
    let vm = vm.clone();
    lua.create_callback(Box::new(move |_, L, nargs| {
        let vm = vm.upgrade().ok_or_else(LuaError::closed)?;
        // SAFETY: L is the calling thread; the proxy (argument 1) outlives the call.
        let object = unsafe { proxied(L, 1) }.cloned().ok_or_else(|| LuaError::runtime("a JsObject metamethod was called on another value"))?;
        body(&vm, L, &object, nargs).map(Return::Values)
    }))
}

fn index(vm: &VmInner, L: *mut lua_State, object: &JsValue, _: c_int) -> Result<c_int> {
    let key = to_js(vm, L, 2)?;
    let value = Reflect::get(object, &key).map_err(js_exception)?;
    // `p:await()` on a promise (any thenable without an `await` of its own).
    if value.is_undefined() && key.as_string().as_deref() == Some("await") && is_thenable(object) {
        vm.lua.core().push_value(L, &Value::Function(vm.await_function()?))?;
        return Ok(1);
    }
    if let Some(function) = value.dyn_ref::<js_sys::Function>() {
        let method = bound_method(vm, function.clone(), object.clone())?;
        vm.lua.core().push_value(L, &Value::Function(method))?;
        return Ok(1);
    }
    push_js(vm, L, &value)
}

fn new_index(vm: &VmInner, L: *mut lua_State, object: &JsValue, _: c_int) -> Result<c_int> {
    let key = to_js(vm, L, 2)?;
    let value = to_js(vm, L, 3)?;
    Reflect::set(object, &key, &value).map_err(js_exception)?;
    Ok(0)
}

fn length(vm: &VmInner, L: *mut lua_State, object: &JsValue, _: c_int) -> Result<c_int> {
    let length = Reflect::get(object, &"length".into()).map_err(js_exception)?;
    push_js(vm, L, &length)
}

fn to_string(vm: &VmInner, L: *mut lua_State, object: &JsValue, _: c_int) -> Result<c_int> {
    let text = interop::with(|i| i.to_string(object)).map_err(js_exception)?;
    push_js(vm, L, &JsValue::from_str(&text))
}

/// Whether `object` has a `then` method.
fn is_thenable(object: &JsValue) -> bool {
    Reflect::get(object, &"then".into()).is_ok_and(|then| then.is_function())
}

/// The proxy of `object` as a Lua value.
pub(crate) fn proxy(vm: &VmInner, object: JsValue) -> Result<Value> {
    ensure_metatable(vm)?;
    let core = vm.lua.core();
    let entry = core.enter()?;
    userdata::push_owned(core, entry.L, object, proxy_key())?;
    Ok(Value::UserData(core.anchor_top(entry.L)?.into()))
}

/// The JS object behind the proxy at `index`, if the value is one.
///
/// # Safety
/// L is live; the reference is valid while the proxy is.
pub(crate) unsafe fn proxied<'a>(L: *mut lua_State, index: c_int) -> Option<&'a JsValue> {
    // SAFETY: per the contract; only `proxy` pushes userdata with this key.
    unsafe { userdata::borrow_owned::<JsValue>(L, index, proxy_key()) }
}

/// A Lua function calling the JS function `function` with `this` undefined.
pub(crate) fn js_function(vm: &VmInner, function: js_sys::Function) -> Result<Function> {
    let weak = vm.this.clone();
    vm.lua.create_callback(Box::new(move |_, L, nargs| {
        let vm = weak.upgrade().ok_or_else(LuaError::closed)?;
        call_js(&vm, L, &function, &JsValue::UNDEFINED, 1, nargs).map(Return::Values)
    }))
}

/// `obj.method` read from Lua: called with `this` = `object`; `obj:method(...)` passes the
/// proxy itself first, which is dropped from the arguments.
fn bound_method(vm: &VmInner, function: js_sys::Function, object: JsValue) -> Result<Function> {
    let weak = vm.this.clone();
    vm.lua.create_callback(Box::new(move |_, L, nargs| {
        let vm = weak.upgrade().ok_or_else(LuaError::closed)?;
        // SAFETY: L is the calling thread.
        let is_self = nargs >= 1 && unsafe { proxied(L, 1) }.is_some_and(|first| js_sys::Object::is(first, &object));
        call_js(&vm, L, &function, &object, if is_self { 2 } else { 1 }, nargs).map(Return::Values)
    }))
}

/// Calls `function` with Lua arguments `first..=last` and pushes its result.
fn call_js(vm: &VmInner, L: *mut lua_State, function: &js_sys::Function, this: &JsValue, first: c_int, last: c_int) -> Result<c_int> {
    let indices: Vec<c_int> = (first..=last).collect();
    let args: Array = to_js::convert(vm, L, &indices).map_err(into_lua_error)?.into_iter().collect();
    let result = function.apply(this, &args).map_err(js_exception)?;
    push_js(vm, L, &result)
}

/// Converts the Lua value at `index` for JS.
pub(crate) fn to_js(vm: &VmInner, L: *mut lua_State, index: c_int) -> Result<JsValue> {
    let mut values = to_js::convert(vm, L, &[index]).map_err(into_lua_error)?;
    Ok(values.pop().unwrap_or(JsValue::UNDEFINED))
}

/// Pushes `value` converted for Lua; one result.
fn push_js(vm: &VmInner, L: *mut lua_State, value: &JsValue) -> Result<c_int> {
    let mut reader = Reader::new(vm);
    let node = reader.read(value).map_err(into_lua_error)?;
    super::to_lua::push(vm.lua.core(), L, &[node], reader.shared())?;
    Ok(1)
}

/// A conversion failure inside Lua is a Lua error.
pub(crate) fn into_lua_error(error: ConversionError) -> LuaError {
    match error {
        ConversionError::Range(message) => LuaError::runtime(message),
        ConversionError::Lua(error) => error,
    }
}

/// What a JS function threw, as a Lua error whose value is the message; uncaught, it reaches
/// JS as the thrown value itself.
pub(crate) fn js_exception(thrown: JsValue) -> LuaError {
    LuaError::runtime(interop::message_of(&thrown)).with_cause(Rc::new(thrown))
}

