//! The wasm-bindgen `LuaVm` API as JavaScript sees it: error shapes, statistics, limits,
//! modules, output. wasm32 only; runs in Node for every backend, and in headless Chromium
//! when the harness sets WASM_BINDGEN_USE_BROWSER.
#![cfg(all(target_arch = "wasm32", feature = "js"))]

use js_sys::{Error, Object, Reflect};
use lua_wasm::{LuaVm, backend_name};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test as test;

fn options(memory_limit: f64, instruction_limit: f64) -> JsValue {
    let object = Object::new();
    Reflect::set(&object, &"memoryLimit".into(), &memory_limit.into()).unwrap();
    Reflect::set(&object, &"instructionLimit".into(), &instruction_limit.into()).unwrap();
    object.into()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

fn lua_error(result: Result<String, JsValue>) -> Error {
    let error: Error = result.expect_err("a LuaError").dyn_into().expect("an Error object");
    assert_eq!(String::from(error.name()), "LuaError");
    error
}

#[test]
fn exec_returns_results_joined_by_tabs() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(vm.exec("return 1+1", None).unwrap(), "2");
    assert_eq!(vm.exec("return 'a', nil, 3.5", None).unwrap(), "a\tnil\t3.5");
    assert_eq!(vm.exec("local x = 1", None).unwrap(), "");
}

#[test]
fn errors_are_lua_errors_with_message_and_traceback() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    let error = lua_error(vm.exec("error('boom')", None));
    assert_eq!(String::from(error.message()), "[string \"error('boom')\"]:1: boom");
    let traceback = get(&error, "traceback").as_string().expect("traceback is a string");
    assert!(traceback.contains("stack traceback:"), "{traceback}");
    let named = lua_error(vm.exec("local t = nil\nreturn t.x", Some("app.lua".into())));
    assert_eq!(String::from(named.message()), "app.lua:2: attempt to index a nil value (local 't')");
    let syntax = lua_error(vm.exec("return +", None));
    assert!(String::from(syntax.message()).contains("unexpected symbol"));
    assert_eq!(vm.exec("return 'usable'", None).unwrap(), "usable");
}

#[test]
fn memory_stats_has_every_field() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    vm.exec("t = {} for i = 1, 100 do t[i] = {} end", None).unwrap();
    let stats: JsValue = vm.memory_stats().unwrap().into();
    assert_eq!(get(&stats, "backend").as_string().unwrap(), backend_name());
    for key in ["liveBytes", "peakBytes", "allocations", "reallocations", "frees", "failedAllocations", "limitBytes", "heapBytes", "growCount"] {
        assert!(get(&stats, key).as_f64().is_some(), "memoryStats().{key} is a number");
    }
    let live = get(&stats, "liveBytes").as_f64().unwrap();
    let peak = get(&stats, "peakBytes").as_f64().unwrap();
    assert!(live > 10_000.0 && peak >= live, "live {live}, peak {peak}");
    assert!(get(&stats, "heapBytes").as_f64().unwrap() >= live);
}

#[test]
fn memory_limit_and_raising_it() {
    let vm = LuaVm::new(options(400_000.0, 0.0)).unwrap();
    let code = "local t = {} for i = 1, 40000 do t[i] = i end return #t";
    let error = lua_error(vm.exec(code, None));
    assert_eq!(String::from(error.message()), "not enough memory");
    let stats: JsValue = vm.memory_stats().unwrap().into();
    assert!(get(&stats, "peakBytes").as_f64().unwrap() <= 400_000.0);
    assert!(get(&stats, "failedAllocations").as_f64().unwrap() >= 1.0);
    vm.set_memory_limit(0.0.into()).unwrap();
    assert_eq!(vm.exec(code, None).unwrap(), "40000");
    assert!(vm.set_memory_limit((-5.0).into()).is_err(), "negative limits are refused");
}

#[test]
fn instruction_limit_per_exec() {
    let vm = LuaVm::new(options(0.0, 50_000.0)).unwrap();
    let error = lua_error(vm.exec("while true do end", None));
    assert!(String::from(error.message()).contains("instruction limit"));
    assert_eq!(vm.exec("return 6 * 7", None).unwrap(), "42", "each exec gets a fresh budget");
}

#[test]
fn huge_strings_and_deep_nesting_are_errors() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    let rep = lua_error(vm.exec("return string.rep('x', 2^40)", None));
    assert!(String::from(rep.message()).contains("too large") || String::from(rep.message()).contains("not enough memory"));
    let big_frames = format!("local function f(n) local {}x = n return 1 + f(n + 1) end return f(1)", "x, ".repeat(189));
    let deep = lua_error(vm.exec(&big_frames, None));
    assert!(String::from(deep.message()).contains("stack overflow"));
    assert_eq!(vm.exec("return 1", None).unwrap(), "1");
}

#[test]
fn output_and_modules() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    vm.exec("print('a', 1) io.write('b', 2, '\\n') io.stdout:write('c\\n')", None).unwrap();
    assert_eq!(vm.take_output(), "a\t1\nb2\nc\n");
    assert_eq!(vm.take_output(), "");
    vm.register_module("util", "return { twice = function(x) return 2 * x end }").unwrap();
    assert_eq!(vm.exec("return require('util').twice(21)", None).unwrap(), "42");
}

#[test]
fn sandboxed_os_and_io() {
    let vm = LuaVm::new(JsValue::UNDEFINED).unwrap();
    // The VM's own file system, empty: no host file is reachable.
    assert_eq!(vm.exec("return io.open('/etc/passwd')", None).unwrap(), "nil\t/etc/passwd: No such file or directory\t2");
    assert_eq!(vm.exec("return os.getenv('HOME'), os.execute()", None).unwrap(), "nil\tfalse");
    assert_eq!(vm.exec("return os.time() > 1.7e9, os.date('!%Y-%m-%d %H:%M:%S', 86400 * 365)", None).unwrap(), "true\t1971-01-01 00:00:00");
    assert_eq!(vm.exec("return os.time({year = 2000, month = 1, day = 1, hour = 0})", None).unwrap(), "946684800");
    assert!(vm.exec("return os.clock()", None).unwrap().parse::<f64>().is_ok());
    let exit: Error = vm.exec("os.exit()", None).expect_err("LuaExit").dyn_into().expect("an Error object");
    assert_eq!(String::from(exit.name()), "LuaExit");
    assert_eq!(get(&exit, "code").as_f64(), Some(0.0));
}
