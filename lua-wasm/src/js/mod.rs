#![allow(non_snake_case)]

//! The JavaScript API (wasm32 only): `LuaVm` and `backendName()`, as specified in DESIGN.md
//! ("The JS API") and API.md (the value API). A thin layer over the Rust [`Lua`]: conversions
//! (`to_lua.rs`, `to_js.rs`), JS functions and objects inside Lua (`host.rs`), Lua values held
//! by JS (`refs.rs`, `interop.rs`), errors (`errors.rs`).
//!
//! Every method takes `&self`: a JS function called from Lua may call back into the same VM,
//! and wasm-bindgen refuses re-entry into a `&mut self` method.

mod async_js;
mod errors;
mod fs_js;
mod host;
mod interop;
mod options;
mod refs;
mod to_js;
mod to_lua;

use crate::error::{LuaError, Result};
use crate::lua::Lua;
use crate::state::Core;
use crate::value::Value;
use core::ffi::c_int;
use js_sys::{Array, Object, Reflect, Uint8Array};
use lua_allocators::Backend;
use lua_sys::ffi::*;
use refs::JsRefs;
use std::rc::{Rc, Weak};
use to_lua::{ConversionError, Reader};
use wasm_bindgen::prelude::*;

/// The allocator backend compiled into this module (`talc`, `dlmalloc`, `buddy`, `bump`).
#[wasm_bindgen(js_name = backendName)]
pub fn backend_name() -> String {
    crate::SelectedBackend::default().name().to_owned()
}

/// The byte size of the module's whole linear memory (every VM, and the module's own heap), as
/// `WebAssembly.Memory` reports it.
#[wasm_bindgen(js_name = linearMemoryBytes)]
pub fn linear_memory_bytes() -> f64 {
    lua_allocators::pages::linear_memory_bytes() as f64
}

/// The Lua version compiled into this module: "5.4" or "5.5" (cargo feature `lua54`/`lua55`).
#[wasm_bindgen(js_name = luaVersion)]
pub fn lua_version_name() -> String {
    lua_sys::VERSION.to_owned()
}

/// A Lua state (5.4, or 5.5 in the `-lua55` builds).
/// `new LuaVm({ memoryLimit, instructionLimit, timeLimit, trusted })`, all
/// optional; limits 0 = none.
#[wasm_bindgen]
pub struct LuaVm {
    inner: Rc<VmInner>,
}

/// What the JS layer keeps per VM.
pub(crate) struct VmInner {
    pub lua: Lua,
    /// This VM's id in `interop` (stamped on the functions it hands out).
    pub id: u32,
    pub refs: JsRefs,
    pub this: Weak<VmInner>,
    /// `await`, made on first use (see `async_js.rs`).
    await_function: std::cell::RefCell<Option<crate::Function>>,
}

#[wasm_bindgen]
impl LuaVm {
    #[allow(missing_docs)] // documented in lua-wasm/js/lua_wasm.d.ts; wasm-bindgen would copy a doc comment into the glue
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> std::result::Result<LuaVm, JsValue> {
        let (options, sinks) = options::parse(&options)?;
        let lua = Lua::new(options).map_err(|e| JsValue::from(js_sys::Error::new(&e.message)))?;
        lua.on_stdout(sinks.stdout.map(stream_to));
        lua.on_stderr(sinks.stderr.map(stream_to));
        let inner = Rc::new_cyclic(|this| VmInner {
            lua,
            id: interop::with(|i| i.add_vm(this.clone())),
            refs: JsRefs::new(),
            this: this.clone(),
            await_function: std::cell::RefCell::new(None),
        });
        Ok(LuaVm { inner })
    }

    /// Runs a text chunk; returns its results through tostring, joined by "\t".
    pub fn exec(&self, code: &str, chunk_name: Option<String>) -> std::result::Result<String, JsValue> {
        self.inner.lua.exec(code, chunk_name.as_deref()).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Runs a text chunk; returns its first result, converted (undefined when none).
    pub fn run(&self, code: &str, chunk_name: Option<String>) -> std::result::Result<JsValue, JsValue> {
        self.inner.run(code, chunk_name.as_deref(), false)
    }

    /// Runs a text chunk; returns all its results, converted, as an Array.
    #[wasm_bindgen(js_name = runAll)]
    pub fn run_all(&self, code: &str, chunk_name: Option<String>) -> std::result::Result<Array, JsValue> {
        self.inner.run(code, chunk_name.as_deref(), true).map(JsCast::unchecked_into)
    }

    /// The global `name`, converted.
    pub fn get(&self, name: &str) -> std::result::Result<JsValue, JsValue> {
        let vm = &self.inner;
        vm.with_entry(|core, L| {
            vm.push_global(core, L, name)?;
            vm.results(L, -1, false)
        })
    }

    /// Sets the global `name` (undefined/null = nil).
    pub fn set(&self, name: &str, value: JsValue) -> std::result::Result<(), JsValue> {
        let vm = &self.inner;
        vm.with_entry(|core, L| {
            vm.push_converted(core, L, std::slice::from_ref(&value))?;
            core.protect(L, 1, 0, &mut |L| {
                // SAFETY: the value is argument 1; the name bytes are copied by Lua.
                unsafe {
                    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
                    lua_pushlstring(L, name.as_ptr().cast(), name.len());
                    lua_pushvalue(L, 1);
                    lua_settable(L, -3);
                }
                0
            })?;
            Ok(JsValue::UNDEFINED)
        })
        .map(|_| ())
    }

    /// Calls the global function `name` with `args`; its first result, converted.
    pub fn call(&self, name: &str, args: Array) -> std::result::Result<JsValue, JsValue> {
        let vm = &self.inner;
        vm.invoke(|core, L| vm.push_global(core, L, name), &args, false)
    }

    /// Everything print/io.write wrote since the last call (bytes that are not UTF-8 become
    /// U+FFFD; see takeOutputBytes).
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&self) -> String {
        self.inner.lua.take_output()
    }

    /// Everything print/io.write wrote since the last call, byte for byte.
    #[wasm_bindgen(js_name = takeOutputBytes)]
    pub fn take_output_bytes(&self) -> Uint8Array {
        Uint8Array::from(self.inner.lua.take_output_bytes().as_slice())
    }

    /// Everything io.stderr and warnings wrote since the last call (as takeOutput).
    #[wasm_bindgen(js_name = takeErrorOutput)]
    pub fn take_error_output(&self) -> String {
        self.inner.lua.take_error_output()
    }

    /// Everything io.stderr and warnings wrote since the last call, byte for byte.
    #[wasm_bindgen(js_name = takeErrorOutputBytes)]
    pub fn take_error_output_bytes(&self) -> Uint8Array {
        Uint8Array::from(self.inner.lua.take_error_output_bytes().as_slice())
    }

    /// `{ backend, liveBytes, peakBytes, allocations, reallocations, frees, failedAllocations,
    /// limitBytes, heapBytes, peakHeapBytes, growCount }`.
    #[wasm_bindgen(js_name = memoryStats)]
    pub fn memory_stats(&self) -> std::result::Result<Object, JsValue> {
        let stats = self.inner.lua.memory_stats();
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
        set("peakHeapBytes", (stats.footprint.peak_heap_bytes as f64).into())?;
        set("growCount", (stats.footprint.grow_count as f64).into())?;
        Ok(object)
    }

    /// Changes the memory limit in bytes (0 = none).
    #[wasm_bindgen(js_name = setMemoryLimit)]
    pub fn set_memory_limit(&self, bytes: JsValue) -> std::result::Result<(), JsValue> {
        let bytes = options::count("setMemoryLimit(bytes)", &bytes, usize::MAX as f64)?;
        self.inner.lua.set_memory_limit(bytes as usize);
        Ok(())
    }

    /// Changes the instruction limit per call (0 = none).
    #[wasm_bindgen(js_name = setInstructionLimit)]
    pub fn set_instruction_limit(&self, instructions: JsValue) -> std::result::Result<(), JsValue> {
        let limit = options::count("setInstructionLimit(instructions)", &instructions, f64::from(crate::MAX_INSTRUCTION_LIMIT))?;
        self.inner.lua.set_instruction_limit(limit as u32).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Changes the time limit per call in milliseconds (0 = none).
    #[wasm_bindgen(js_name = setTimeLimit)]
    pub fn set_time_limit(&self, milliseconds: JsValue) -> std::result::Result<(), JsValue> {
        let limit = options::count("setTimeLimit(milliseconds)", &milliseconds, f64::from(u32::MAX))?;
        self.inner.lua.set_time_limit(limit as u32);
        Ok(())
    }

    /// Runs a full garbage collection.
    #[wasm_bindgen(js_name = collectGarbage)]
    pub fn collect_garbage(&self) -> std::result::Result<(), JsValue> {
        self.inner.lua.collect_garbage().map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Compiles `source` now (throwing its syntax error) and makes `require(name)` run it.
    #[wasm_bindgen(js_name = registerModule)]
    pub fn register_module(&self, name: &str, source: &str) -> std::result::Result<(), JsValue> {
        self.inner.lua.register_module(name, source).map_err(|e| errors::to_js(&self.inner, e))
    }

    /// Whether Lua code is running (the VM cannot be freed then).
    #[wasm_bindgen(js_name = isRunning)]
    pub fn is_running(&self) -> bool {
        self.inner.lua.is_running()
    }
}

impl Drop for LuaVm {
    fn drop(&mut self) {
        interop::with(|i| i.remove_vm(self.inner.id));
    }
}

impl VmInner {
    /// Runs `body` inside a call into Lua; Lua errors become JS errors.
    fn with_entry(&self, body: impl FnOnce(&Core, *mut lua_State) -> std::result::Result<JsValue, Failure>) -> std::result::Result<JsValue, JsValue> {
        let core = self.lua.core();
        let result = match core.enter() {
            Ok(entry) => body(core, entry.L),
            Err(error) => Err(Failure::Lua(error)),
        };
        result.map_err(|failure| match failure {
            Failure::Lua(error) => errors::to_js(self, error),
            Failure::Conversion(error) => errors::conversion_to_js(self, error),
        })
    }

    fn run(&self, code: &str, chunk_name: Option<&str>, all: bool) -> std::result::Result<JsValue, JsValue> {
        self.invoke(|core, L| crate::chunk::load(core, L, code.as_bytes(), chunk_name), &Array::new(), all)
    }

    /// Pushes a function with `push`, calls it with `args` converted (one conversion) under the
    /// VM's limits and converts its first result, or all of them as an Array.
    fn invoke(&self, push: impl FnOnce(&Core, *mut lua_State) -> Result<()>, args: &Array, all: bool) -> std::result::Result<JsValue, JsValue> {
        self.with_entry(|core, L| {
            let mut reader = Reader::new(self);
            let nodes = args.iter().map(|arg| reader.read(&arg)).collect::<std::result::Result<Vec<_>, _>>()?;
            push(core, L)?;
            // SAFETY: L is live.
            let base = unsafe { lua_gettop(L) };
            to_lua::push(core, L, &nodes, reader.shared())?;
            core.call(L, nodes.len() as c_int, LUA_MULTRET)?;
            self.results(L, base, all)
        })
    }

    /// The values from `first` to the top: the first converted, or all as an Array.
    fn results(&self, L: *mut lua_State, first: c_int, all: bool) -> std::result::Result<JsValue, Failure> {
        // SAFETY: L is live.
        let (first, top) = unsafe { (lua_absindex(L, first), lua_gettop(L)) };
        let indices: Vec<c_int> = if all { (first..=top).collect() } else { (first..=top).take(1).collect() };
        let mut values = to_js::convert(self, L, &indices)?;
        Ok(if all { values.into_iter().collect::<Array>().into() } else { values.pop().unwrap_or(JsValue::UNDEFINED) })
    }

    /// Pushes the global `name` (with `__index` on `_G`).
    fn push_global(&self, core: &Core, L: *mut lua_State, name: &str) -> Result<()> {
        core.protect(L, 0, 1, &mut |L| {
            // SAFETY: L is live; the name bytes are copied by Lua.
            unsafe {
                lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
                lua_pushlstring(L, name.as_ptr().cast(), name.len());
                lua_gettable(L, -2);
            }
            1
        })
    }

    /// Pushes `values` converted (one conversion).
    fn push_converted(&self, core: &Core, L: *mut lua_State, values: &[JsValue]) -> std::result::Result<(), Failure> {
        let mut reader = Reader::new(self);
        let nodes = values.iter().map(|value| reader.read(value)).collect::<std::result::Result<Vec<_>, _>>()?;
        to_lua::push(core, L, &nodes, reader.shared())?;
        Ok(())
    }

    /// Calls the Lua function JS holds as reference `id` (a function made by `interop`).
    pub fn call_ref(&self, id: u32, args: &Array) -> std::result::Result<JsValue, JsValue> {
        self.invoke(|_, L| self.refs.push(L, id), args, false)
    }

    /// The Lua value JS holds as reference `id`.
    pub fn stored_value(&self, id: u32) -> Result<Value> {
        let core = self.lua.core();
        let entry = core.enter()?;
        self.refs.push(entry.L, id)?;
        core.value_at(entry.L, -1)
    }
}

/// Why a JS call failed before it became a JS error.
enum Failure {
    Lua(LuaError),
    Conversion(ConversionError),
}

impl From<LuaError> for Failure {
    fn from(error: LuaError) -> Self {
        Failure::Lua(error)
    }
}

impl From<ConversionError> for Failure {
    fn from(error: ConversionError) -> Self {
        match error {
            ConversionError::Lua(error) => Failure::Lua(error),
            other => Failure::Conversion(other),
        }
    }
}

/// A sink that calls a JS function with each chunk written, as text (what it throws is
/// dropped: the write itself succeeded).
fn stream_to(function: js_sys::Function) -> Box<dyn FnMut(&[u8])> {
    Box::new(move |bytes| {
        let _ = function.call1(&JsValue::NULL, &String::from_utf8_lossy(bytes).as_ref().into());
    })
}
