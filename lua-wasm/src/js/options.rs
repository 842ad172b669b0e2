//! `new LuaVm(options)`: the options object, checked strictly. An unknown name or a value of
//! the wrong type is a `TypeError`, a number out of range a `RangeError`: nothing is silently
//! ignored or clamped.

use crate::{MAX_INSTRUCTION_LIMIT, Options};
use js_sys::{Function, Object, RangeError, Reflect, TypeError, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

const KNOWN: [&str; 8] = ["memoryLimit", "instructionLimit", "timeLimit", "trusted", "stdin", "env", "stdout", "stderr"];

/// The options that are JavaScript functions: where standard output and error stream to.
#[derive(Default)]
pub(crate) struct Sinks {
    pub stdout: Option<Function>,
    pub stderr: Option<Function>,
}

pub(crate) fn parse(options: &JsValue) -> Result<(Options, Sinks), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((Options::default(), Sinks::default()));
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
    let options = Options {
        memory_limit: count("options.memoryLimit", &get("memoryLimit")?, usize::MAX as f64)? as usize,
        instruction_limit: count("options.instructionLimit", &get("instructionLimit")?, f64::from(MAX_INSTRUCTION_LIMIT))? as u32,
        time_limit_ms: count("options.timeLimit", &get("timeLimit")?, f64::from(u32::MAX))? as u32,
        trusted: flag("options.trusted", &get("trusted")?)?,
        stdin: bytes("options.stdin", &get("stdin")?)?.unwrap_or_default(),
        env: env(&get("env")?)?,
    };
    let sinks = Sinks { stdout: function("options.stdout", &get("stdout")?)?, stderr: function("options.stderr", &get("stderr")?)? };
    Ok((options, sinks))
}

/// A string (as UTF-8) or a Uint8Array; undefined means None.
pub(crate) fn bytes(what: &str, value: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    if value.is_undefined() {
        Ok(None)
    } else if let Some(text) = value.as_string() {
        Ok(Some(text.into_bytes()))
    } else if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Ok(Some(array.to_vec()))
    } else {
        Err(TypeError::new(&format!("{what} must be a string or a Uint8Array")).into())
    }
}

/// An object whose values are strings.
fn env(value: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    let Some(object) = value.dyn_ref::<Object>().filter(|_| value.is_object()) else {
        return Err(TypeError::new("options.env must be an object of strings").into());
    };
    let mut vars = Vec::new();
    for pair in Object::entries(object).iter() {
        let pair: js_sys::Array = pair.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let Some(text) = pair.get(1).as_string() else {
            return Err(TypeError::new(&format!("options.env.{name} must be a string")).into());
        };
        vars.push((name, text));
    }
    Ok(vars)
}

/// A function; undefined means None.
fn function(what: &str, value: &JsValue) -> Result<Option<Function>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    value.dyn_ref::<Function>().cloned().map(Some).ok_or_else(|| TypeError::new(&format!("{what} must be a function")).into())
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
