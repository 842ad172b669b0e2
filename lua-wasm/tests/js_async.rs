//! `runAsync` and `await` (API.md, "Async"), in Node for every backend and in headless Chromium.
#![cfg(all(target_arch = "wasm32", feature = "js"))]

use js_sys::{Function, Promise, Reflect};
use lua_wasm::LuaVm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test as test;

fn vm(options: &str) -> LuaVm {
    LuaVm::new(js(options)).unwrap()
}

fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expression});")).call0(&JsValue::UNDEFINED).unwrap()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// A promise and the functions that settle it: `{ promise, resolve, reject }`.
fn deferred() -> JsValue {
    js("(() => { const d = {}; d.promise = new Promise((res, rej) => { d.resolve = res; d.reject = rej; }); return d; })()")
}

fn call(object: &JsValue, method: &str, arg: JsValue) {
    get(object, method).unchecked_into::<Function>().call1(&JsValue::UNDEFINED, &arg).unwrap();
}

#[test]
async fn awaits_promises_and_thenables() {
    let vm = vm("undefined");
    vm.set("later", js("(x) => new Promise((resolve) => setTimeout(() => resolve({ value: x * 2 }), 1))")).unwrap();
    vm.set("asyncFn", js("async (x) => x + 1")).unwrap();
    let result = settle(vm.run_async("local r = await(later(21)) return r.value + asyncFn(1):await()", None)).await.unwrap();
    assert_eq!(result, 44);
    vm.set("thenable", js("new (class Later { then(resolve) { resolve(3); } })()")).unwrap();
    let plain = settle(vm.run_async("return await(5) + await(thenable) + thenable:await()", None)).await.unwrap();
    assert_eq!(plain, 11, "plain values and any thenable");
    vm.set("later_p", js("Promise.resolve('kept')")).unwrap();
    let kept = settle(vm.run_async("local p = later_p local x = 1 + 1 return p:await() .. x", None)).await.unwrap();
    assert_eq!(kept, "kept2", "a promise awaited later");
}

#[test]
async fn calls_interleave_in_either_order() {
    let vm = vm("undefined");
    let (a, b) = (deferred(), deferred());
    vm.set("a", get(&a, "promise")).unwrap();
    vm.set("b", get(&b, "promise")).unwrap();
    vm.run("log = {}", None).unwrap();
    let first = vm.run_async("log[#log + 1] = 'first waits' local v = await(a) log[#log + 1] = 'first got ' .. v return v", None);
    let second = vm.run_async("log[#log + 1] = 'second waits' local v = b:await() log[#log + 1] = 'second got ' .. v return v", None);
    assert_eq!(vm.run("return #log", None).unwrap(), 2, "a synchronous run while both are suspended");
    call(&b, "resolve", "B".into());
    let second = settle(second).await.unwrap();
    call(&a, "resolve", "A".into());
    let first = settle(first).await.unwrap();
    assert_eq!((first, second), (JsValue::from("A"), JsValue::from("B")));
    assert_eq!(vm.run("return table.concat(log, ', ')", None).unwrap(), "first waits, second waits, second got B, first got A");
}

#[test]
async fn rejections_are_lua_errors() {
    let vm = vm("undefined");
    vm.set("fails", js("() => Promise.reject(new TypeError('nope'))")).unwrap();
    let caught = settle(vm.run_async("local ok, e = pcall(function() return await(fails()) end) return e", None)).await.unwrap();
    assert_eq!(caught, "nope");
    let uncaught = settle(vm.run_async("await(fails())", None)).await.unwrap_err();
    assert!(uncaught.is_instance_of::<js_sys::TypeError>(), "the original rejection: {uncaught:?}");
    let lua_error = settle(vm.run_async("error({code = 5})", None)).await.unwrap_err();
    assert_eq!(get(&lua_error, "name"), "LuaError");
    assert_eq!(get(&get(&lua_error, "value"), "code"), 5);
    let syntax = settle(vm.run_async("return +", None)).await.unwrap_err();
    assert_eq!(get(&syntax, "kind"), "syntax");
}

#[test]
async fn await_only_in_the_async_chunk() {
    let vm = vm("undefined");
    settle(vm.run_async("return 1", None)).await.unwrap();
    let outside = vm.run("return await(1)", None).unwrap_err();
    assert!(get(&outside, "message").as_string().unwrap().contains("only available in code run by runAsync"), "{outside:?}");
    let nested = settle(vm.run_async("return coroutine.wrap(function() return await(1) end)()", None)).await.unwrap_err();
    assert!(get(&nested, "message").as_string().unwrap().contains("not inside a coroutine"), "{nested:?}");
    let boundary = settle(vm.run_async("table.sort({2, 1}, function(a, b) await(1) return a < b end)", None)).await.unwrap_err();
    assert!(get(&boundary, "message").as_string().unwrap().contains("cannot await here"), "{boundary:?}");
    assert_eq!(vm.run("return 'usable'", None).unwrap(), "usable");
}

#[test]
async fn free_rejects_pending_calls() {
    let vm = vm("undefined");
    vm.set("never", js("new Promise(() => {})")).unwrap();
    let pending = vm.run_async("return await(never)", None);
    drop(vm);
    let error = settle(pending).await.unwrap_err();
    assert_eq!(get(&error, "message"), "this LuaVm has been freed");
}

#[test]
async fn limits_span_the_whole_call() {
    let vm = vm("{ instructionLimit: 200000 }");
    let spin = settle(vm.run_async("while true do for i = 1, 1000 do end await(0) end", None)).await.unwrap_err();
    assert_eq!(get(&spin, "kind"), "instructionLimit");
    let memory = vm_with_memory();
    let full = settle(memory.run_async("local t = {} while true do t[#t + 1] = ('x'):rep(1000) await(0) end", None)).await.unwrap_err();
    assert_eq!(get(&full, "kind"), "memory");
    assert_eq!(memory.run("return 1 + 1", None).unwrap(), 2);
    let stats: JsValue = memory.memory_stats().unwrap().into();
    assert!(get(&stats, "peakBytes").as_f64().unwrap() <= 1_000_000.0);
}

fn vm_with_memory() -> LuaVm {
    vm("{ memoryLimit: 1000000 }")
}

#[test]
async fn awaits_in_nested_calls_and_inside_pcall() {
    let vm = vm("undefined");
    vm.set("value", js("(x) => Promise.resolve(x)")).unwrap();
    let code = "local function inner(x) return await(value(x)) + 1 end
                local function outer(x) local ok, v = pcall(inner, x) return ok and v * 2 end
                local t = setmetatable({}, {__index = function(_, k) return await(value(k)) end})
                return outer(20) + t[0]";
    assert_eq!(settle(vm.run_async(code, None)).await.unwrap(), 42);
}
