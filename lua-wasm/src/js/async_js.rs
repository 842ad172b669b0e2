//! `vm.runAsync(code)` and `await` (API.md, "Async"): the chunk runs as an async call
//! (`async_call.rs`) whose awaited futures are JS promises. `await(p)` and `p:await()` suspend the
//! chunk until `p` settles: the fulfilled value comes back converted, a rejection is raised as a
//! Lua error (a string, as for thrown JS errors; uncaught, `runAsync` rejects with the original
//! value). Freeing the VM rejects pending calls with "this LuaVm has been freed".

use super::{LuaVm, VmInner, errors, host, interop};
use crate::async_call::AsyncCall;
use crate::callback::Return;
use crate::error::{LuaError, Result};
use crate::value::{Function, MultiValue, Value};
use js_sys::Promise;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

#[wasm_bindgen]
impl LuaVm {
    /// Runs a text chunk in a coroutine where Lua may await promises; resolves to its first
    /// result, converted. Like a JS async function, it runs at once up to its first await.
    #[wasm_bindgen(js_name = runAsync)]
    pub fn run_async(&self, code: &str, chunk_name: Option<String>) -> Promise {
        let mut call = match self.inner.start_async(code, chunk_name.as_deref()) {
            Ok(call) => call,
            Err(error) => return Promise::reject(&errors::to_js(&self.inner, error)),
        };
        let first = Pin::new(&mut call).poll(&mut Context::from_waker(Waker::noop()));
        if let Poll::Ready(results) = first {
            return match self.inner.results_to_js(results) {
                Ok(value) => Promise::resolve(&value),
                Err(error) => Promise::reject(&error),
            };
        }
        let vm = Rc::downgrade(&self.inner);
        future_to_promise(async move {
            let results = call.await;
            let vm = vm.upgrade().ok_or_else(|| JsValue::from(js_sys::Error::new(interop::FREED)))?;
            vm.results_to_js(results)
        })
    }
}

impl VmInner {
    /// Compiles `code` and starts it as an async call, with `await` defined.
    fn start_async(&self, code: &str, chunk_name: Option<&str>) -> Result<AsyncCall> {
        self.await_function()?;
        let core = self.lua.core();
        let entry = core.enter()?;
        crate::chunk::load(core, entry.L, code.as_bytes(), chunk_name)?;
        let function = core.anchor_top(entry.L)?;
        AsyncCall::start(&self.lua, &function, MultiValue::new())
    }

    /// The `await` function (made, and set as a global, on first use).
    pub(crate) fn await_function(&self) -> Result<Function> {
        if let Some(function) = self.await_function.borrow().as_ref() {
            return Ok(function.clone());
        }
        let function = make_await(&self.lua, self.this.clone())?;
        self.lua.globals().raw_set("await", function.clone())?;
        *self.await_function.borrow_mut() = Some(function.clone());
        Ok(function)
    }

    /// An async call's outcome for JS: its first result, converted, or the error.
    fn results_to_js(&self, results: Result<MultiValue>) -> std::result::Result<JsValue, JsValue> {
        match results {
            Ok(values) => self.values_to_js(&values),
            Err(error) => Err(errors::to_js(self, error)),
        }
    }

    /// The first of `values` for JS (undefined when none).
    fn values_to_js(&self, values: &MultiValue) -> std::result::Result<JsValue, JsValue> {
        let Some(first) = values.first() else { return Ok(JsValue::UNDEFINED) };
        let core = self.lua.core();
        let entry = core.enter().map_err(|e| errors::to_js(self, e))?;
        core.push_value(entry.L, first).map_err(|e| errors::to_js(self, e))?;
        let mut converted = super::to_js::convert(self, entry.L, &[-1]).map_err(|e| errors::conversion_to_js(self, e))?;
        Ok(converted.pop().unwrap_or(JsValue::UNDEFINED))
    }

    /// A JS value as a Lua value (anchored).
    fn js_to_value(&self, value: &JsValue) -> Result<Value> {
        let core = self.lua.core();
        let entry = core.enter()?;
        let mut reader = super::to_lua::Reader::new(self);
        let node = reader.read(value).map_err(host::into_lua_error)?;
        super::to_lua::push(core, entry.L, &[node], reader.shared())?;
        core.value_at(entry.L, -1)
    }
}

/// `await(p)`: suspends the calling async chunk until the promise (or any value, as
/// `Promise.resolve` takes it) settles.
fn make_await(lua: &crate::Lua, vm: Weak<VmInner>) -> Result<Function> {
    lua.create_callback(Box::new(move |lua, L, _nargs| {
        lua.core().check_can_await(L)?;
        let vm = vm.upgrade().ok_or_else(LuaError::closed)?;
        let awaited = host::to_js(&vm, L, 1)?;
        let settled = JsFuture::from(Promise::resolve(&awaited));
        let weak = Rc::downgrade(&vm);
        Ok(Return::Await(Box::pin(async move {
            let outcome = settled.await;
            let vm = weak.upgrade().ok_or_else(LuaError::closed)?;
            match outcome {
                Ok(value) => Ok(MultiValue::from_vec(vec![vm.js_to_value(&value)?])),
                Err(reason) => Err(host::js_exception(reason)),
            }
        })))
    }))
}
