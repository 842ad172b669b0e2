//! Measurement entry points for the harness (`cargo harness traces` and `bench-wasm`), built
//! only with the `bench` feature so the published module does not carry them.
//!
//! - `recordTrace(code, name)`: runs a chunk on a fresh state whose backend is wrapped in
//!   `Trace`, closes it, and returns `{ trace: Uint8Array, ops, peakLive }`.
//! - `replayTrace(trace, geometric)`: replays a trace on a fresh backend (with the exact or
//!   geometric growth policy) and returns `{ ops, peakLive, failed, ms, heapBytes, growCount }`.
//! - `runWorkload(code, name, geometric)`: a fresh state on that backend runs the chunk;
//!   returns `{ ms, result, peakBytes, heapBytes, growCount }`.

use crate::{Lua, Options, SelectedBackend};
use js_sys::{Object, Reflect, Uint8Array};
use lua_allocators::{Backend, GrowthPolicy, Trace, replay};
use wasm_bindgen::prelude::*;

fn backend(geometric: bool) -> SelectedBackend {
    let policy = if geometric { GrowthPolicy::Geometric } else { GrowthPolicy::Exact };
    SelectedBackend::with_policy(policy)
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &(*key).into(), value)?;
    }
    Ok(object)
}

fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &"now".into()).ok().map(|f| (p, f)))
        .and_then(|(p, f)| f.dyn_into::<js_sys::Function>().ok()?.call0(&p).ok()?.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}

#[wasm_bindgen(js_name = recordTrace)]
pub fn record_trace(code: &str, name: &str) -> Result<Object, JsValue> {
    let lua = Lua::with_backend(Trace::new(backend(false)), Options::default()).map_err(|e| JsValue::from(e.message))?;
    lua.exec(code, Some(name)).map_err(|e| JsValue::from(e.message))?;
    lua.close_and_inspect(|stats, traced: &Trace<SelectedBackend>| {
        object(&[
            ("trace", Uint8Array::from(traced.trace()).into()),
            ("ops", (traced.ops() as f64).into()),
            ("peakLive", (stats.peak_bytes as f64).into()),
        ])
    })
}

#[wasm_bindgen(js_name = replayTrace)]
pub fn replay_trace(trace: &[u8], geometric: bool) -> Result<Object, JsValue> {
    let mut target = backend(geometric);
    let start = now_ms();
    let result = replay(trace, &mut target).map_err(|e| JsValue::from(format!("bad trace at byte {}", e.offset)))?;
    let ms = now_ms() - start;
    let footprint = target.footprint();
    object(&[
        ("ops", (result.ops as f64).into()),
        ("peakLive", (result.peak_live as f64).into()),
        ("failed", (result.failed as f64).into()),
        ("ms", ms.into()),
        ("heapBytes", (footprint.heap_bytes as f64).into()),
        ("growCount", (footprint.grow_count as f64).into()),
    ])
}

#[wasm_bindgen(js_name = runWorkload)]
pub fn run_workload(code: &str, name: &str, geometric: bool) -> Result<Object, JsValue> {
    let start = now_ms();
    let lua = Lua::with_backend(backend(geometric), Options::default()).map_err(|e| JsValue::from(e.message))?;
    let result = lua.exec(code, Some(name)).map_err(|e| JsValue::from(e.message))?;
    let ms = now_ms() - start;
    let stats = lua.memory_stats();
    object(&[
        ("ms", ms.into()),
        ("result", result.into()),
        ("peakBytes", (stats.alloc.peak_bytes as f64).into()),
        ("heapBytes", (stats.footprint.heap_bytes as f64).into()),
        ("growCount", (stats.footprint.grow_count as f64).into()),
    ])
}
