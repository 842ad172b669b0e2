//! The JavaScript API (wasm32 only): `LuaVm` and `backendName()`, as specified in DESIGN.md
//! ("The JS API"). Outside scripts depend on these names and shapes.

use crate::{Lua, LuaError, Options};
use lua_allocators::Backend;
use js_sys::{Error, Object, Reflect};
use wasm_bindgen::prelude::*;

/// The allocator backend compiled into this module (`talc`, `dlmalloc`, `buddy`, `bump`).
#[wasm_bindgen(js_name = backendName)]
pub fn backend_name() -> String {
    crate::SelectedBackend::default().name().to_owned()
}

/// A Lua 5.4 state. `new LuaVm({ memoryLimit, instructionLimit })`, both optional, 0 = none.
#[wasm_bindgen]
pub struct LuaVm {
    lua: Option<Lua>,
}

#[wasm_bindgen]
impl LuaVm {
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Object>) -> Result<LuaVm, JsValue> {
        install_host_hooks();
        let options = match options {
            Some(object) => Options {
                memory_limit: count_option(&object, "memoryLimit", usize::MAX as f64)? as usize,
                instruction_limit: count_option(&object, "instructionLimit", f64::from(u32::MAX / 2))? as u32,
            },
            None => Options::default(),
        };
        let lua = Lua::new(options).map_err(lua_error)?;
        Ok(LuaVm { lua: Some(lua) })
    }

    /// Runs a text chunk; returns its results through tostring, joined by "\t".
    pub fn exec(&mut self, code: &str, chunk_name: Option<String>) -> Result<String, JsValue> {
        self.lua()?.exec(code, chunk_name.as_deref()).map_err(lua_error)
    }

    /// Everything print/io.write wrote since the last call.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> Result<String, JsValue> {
        Ok(self.lua()?.take_output())
    }

    /// `{ backend, liveBytes, peakBytes, allocations, reallocations, frees, failedAllocations,
    /// limitBytes, heapBytes, growCount }`.
    #[wasm_bindgen(js_name = memoryStats)]
    pub fn memory_stats(&mut self) -> Result<Object, JsValue> {
        let stats = self.lua()?.memory_stats();
        let object = Object::new();
        let set = |key: &str, value: JsValue| Reflect::set(&object, &key.into(), &value).map(|_| ());
        set("backend", stats.backend.into())?;
        set("liveBytes", (stats.alloc.live_bytes as f64).into())?;
        set("peakBytes", (stats.alloc.peak_bytes as f64).into())?;
        set("allocations", (stats.alloc.allocations as f64).into())?;
        set("reallocations", (stats.alloc.reallocations as f64).into())?;
        set("frees", (stats.alloc.frees as f64).into())?;
        set("failedAllocations", (stats.alloc.failed as f64).into())?;
        set("limitBytes", (stats.limit_bytes as f64).into())?;
        set("heapBytes", (stats.footprint.heap_bytes as f64).into())?;
        set("growCount", (stats.footprint.grow_count as f64).into())?;
        Ok(object)
    }

    /// Changes the memory limit in bytes (0 = none).
    #[wasm_bindgen(js_name = setMemoryLimit)]
    pub fn set_memory_limit(&mut self, bytes: f64) -> Result<(), JsValue> {
        let bytes = checked_count("setMemoryLimit(bytes)", bytes, usize::MAX as f64)? as usize;
        self.lua()?.set_memory_limit(bytes);
        Ok(())
    }

    /// Makes `require(name)` load `source`.
    #[wasm_bindgen(js_name = registerModule)]
    pub fn register_module(&mut self, name: &str, source: &str) -> Result<(), JsValue> {
        self.lua()?.register_module(name, source).map_err(lua_error)
    }

    fn lua(&mut self) -> Result<&mut Lua, JsValue> {
        self.lua.as_mut().ok_or_else(|| Error::new("this LuaVm has been freed").into())
    }
}

/// The JS Error for a Lua error: name "LuaError", Lua's message, and a `traceback` string.
fn lua_error(error: LuaError) -> JsValue {
    let js = Error::new(&error.message);
    js.set_name("LuaError");
    let _ = Reflect::set(&js, &"traceback".into(), &error.traceback.into());
    js.into()
}

/// A non-negative integer option, absent meaning 0.
fn count_option(object: &Object, key: &str, max: f64) -> Result<f64, JsValue> {
    let value = Reflect::get(object, &key.into())?;
    if value.is_undefined() || value.is_null() {
        return Ok(0.0);
    }
    match value.as_f64() {
        Some(n) => checked_count(&format!("options.{key}"), n, max),
        None => Err(js_sys::TypeError::new(&format!("options.{key} must be a number")).into()),
    }
}

fn checked_count(what: &str, n: f64, max: f64) -> Result<f64, JsValue> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 {
        Ok(n.min(max))
    } else {
        Err(js_sys::RangeError::new(&format!("{what} must be a non-negative integer, got {n}")).into())
    }
}

/// Lua's clocks come from JavaScript's.
fn install_host_hooks() {
    fn wall_ms() -> f64 {
        js_sys::Date::now()
    }
    lua_sys::host::set_clock_hooks(wall_ms, wall_ms);
}
