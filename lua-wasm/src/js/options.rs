//! `new LuaVm(options)`: the options object, checked strictly. An unknown name or a value of
//! the wrong type is a `TypeError`, a number out of range a `RangeError`: nothing is silently
//! ignored or clamped.

use crate::{MAX_INSTRUCTION_LIMIT, Options};
use js_sys::{Object, RangeError, Reflect, TypeError};
use wasm_bindgen::{JsCast, JsValue};

const KNOWN: [&str; 4] = ["memoryLimit", "instructionLimit", "timeLimit", "trusted"];

pub(crate) fn parse(options: &JsValue) -> Result<Options, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    let Some(object) = options.dyn_ref::<Object>().filter(|_| options.is_object()) else {
        return Err(TypeError::new("LuaVm options must be an object").into());
    };
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            return Err(TypeError::new(&format!("unknown LuaVm option '{key}' (known: {})", KNOWN.join(", "))).into());
        }
    }
    let get = |key: &str| Reflect::get(object, &key.into());
    Ok(Options {
        memory_limit: count("options.memoryLimit", &get("memoryLimit")?, usize::MAX as f64)? as usize,
        instruction_limit: count("options.instructionLimit", &get("instructionLimit")?, f64::from(MAX_INSTRUCTION_LIMIT))? as u32,
        time_limit_ms: count("options.timeLimit", &get("timeLimit")?, f64::from(u32::MAX))? as u32,
        trusted: flag("options.trusted", &get("trusted")?)?,
    })
}

/// A non-negative integer up to `max`; undefined means 0.
pub(crate) fn count(what: &str, value: &JsValue, max: f64) -> Result<f64, JsValue> {
    if value.is_undefined() {
        return Ok(0.0);
    }
    let Some(n) = value.as_f64() else {
        return Err(TypeError::new(&format!("{what} must be a number")).into());
    };
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= max {
        Ok(n)
    } else {
        Err(RangeError::new(&format!("{what} must be an integer from 0 to {max}, got {n}")).into())
    }
}

/// A boolean; undefined means false.
fn flag(what: &str, value: &JsValue) -> Result<bool, JsValue> {
    if value.is_undefined() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| TypeError::new(&format!("{what} must be a boolean")).into())
}
