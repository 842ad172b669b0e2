//! Errors as JavaScript sees them (API.md, "Errors"): a Lua error is an `Error` named
//! "LuaError" with `kind`, `traceback` and `value` (`os.exit(code)`: named "LuaExit", with
//! `code`); what a JS function threw and no Lua code
//! caught is that thrown value itself; a value that cannot be converted is a `RangeError`.

use super::VmInner;
use super::to_js;
use super::to_lua::ConversionError;
use crate::error::{ErrorKind, LuaError};
use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

/// The JS value to throw for `error`.
pub(crate) fn to_js(vm: &VmInner, error: LuaError) -> JsValue {
    if let Some(thrown) = error.cause::<JsValue>() {
        return thrown.clone();
    }
    match error.kind {
        ErrorKind::Closed => return Error::new(super::interop::FREED).into(),
        ErrorKind::Conversion => return js_sys::RangeError::new(&error.message).into(),
        _ => {}
    }
    let js = Error::new(&error.message);
    js.set_name("LuaError");
    if let ErrorKind::Exit { code } = error.kind {
        js.set_name("LuaExit");
        let _ = Reflect::set(&js, &"code".into(), &code.into());
    }
    let value = error.value.as_ref().and_then(|value| value_to_js(vm, value)).unwrap_or_else(|| error.message.as_str().into());
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&js, &key.into(), value);
    };
    set("kind", &error.kind.name().into());
    set("traceback", &error.traceback.as_str().into());
    set("value", &value);
    js.into()
}

/// The JS value to throw for a failed conversion.
pub(crate) fn conversion_to_js(vm: &VmInner, error: ConversionError) -> JsValue {
    match error {
        ConversionError::Range(message) => js_sys::RangeError::new(&message).into(),
        ConversionError::Lua(error) => to_js(vm, error),
    }
}

/// An error's Lua value for `LuaError.value`; None when it cannot be converted.
fn value_to_js(vm: &VmInner, value: &crate::Value) -> Option<JsValue> {
    let core = vm.lua.core();
    let entry = core.enter().ok()?;
    core.push_value(entry.L, value).ok()?;
    to_js::convert(vm, entry.L, &[-1]).ok()?.pop()
}
