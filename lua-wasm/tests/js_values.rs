//! The JS value API (API.md): every conversion row both ways, functions both ways, proxies,
//! errors, limits, options. wasm32 only; runs in Node for every backend, and in headless
//! Chromium when the harness sets WASM_BINDGEN_USE_BROWSER.
#![cfg(all(target_arch = "wasm32", feature = "js"))]

use js_sys::{Array, BigInt, Function, Map, Object, Reflect, Uint8Array};
use lua_wasm::LuaVm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test as test;

fn vm() -> LuaVm {
    LuaVm::new(JsValue::UNDEFINED).unwrap()
}

/// A JS value from a JS expression (test-only `eval`).
fn js(expression: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expression});")).call0(&JsValue::UNDEFINED).unwrap()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

fn run(vm: &LuaVm, code: &str) -> JsValue {
    vm.run(code, None).unwrap_or_else(|e| panic!("{code}: {:?}", e))
}

/// Lua's view of the global `v` after `vm.set("v", value)`: `type`, `math.type`, and `tostring`.
fn lua_sees(vm: &LuaVm, value: JsValue) -> String {
    vm.set("v", value).unwrap();
    vm.exec("return type(v), math.type(v), v", None).unwrap()
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).unwrap().into()
}

/// JSON with object keys sorted (Lua's traversal order is unspecified).
fn sorted_json(value: &JsValue) -> String {
    let sort = Function::new_with_args("v", "const s = (x) => x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, s(x[k])])) : Array.isArray(x) ? x.map(s) : x; return JSON.stringify(s(v));");
    sort.call1(&JsValue::UNDEFINED, value).unwrap().as_string().unwrap()
}

#[test]
fn js_primitives_into_lua() {
    let vm = vm();
    assert_eq!(lua_sees(&vm, JsValue::UNDEFINED), "nil\tnil\tnil");
    assert_eq!(lua_sees(&vm, JsValue::NULL), "nil\tnil\tnil");
    assert_eq!(lua_sees(&vm, JsValue::TRUE), "boolean\tnil\ttrue");
    assert_eq!(lua_sees(&vm, 42.into()), "number\tinteger\t42");
    assert_eq!(lua_sees(&vm, (-9007199254740991.0).into()), "number\tinteger\t-9007199254740991");
    assert_eq!(lua_sees(&vm, (-0.0).into()), "number\tfloat\t-0.0");
    assert_eq!(lua_sees(&vm, 2.5.into()), "number\tfloat\t2.5");
    assert_eq!(lua_sees(&vm, 1e20.into()), "number\tfloat\t1e+20");
    // Lua 5.5's tostring prints the digits that read back exactly.
    let two_63 = if cfg!(feature = "lua55") { "9.2233720368547758e+18" } else { "9.2233720368548e+18" };
    assert_eq!(lua_sees(&vm, 9_223_372_036_854_775_808.0.into()), format!("number\tfloat\t{two_63}"), "2^63 is out of integer range");
    assert_eq!(lua_sees(&vm, (-9_223_372_036_854_775_808.0).into()), "number\tinteger\t-9223372036854775808");
    vm.set("v", f64::NAN.into()).unwrap();
    assert_eq!(vm.exec("return math.type(v), v ~= v", None).unwrap(), "float\ttrue");
    assert_eq!(lua_sees(&vm, f64::INFINITY.into()), "number\tfloat\tinf");
    assert_eq!(lua_sees(&vm, "héllo".into()), "string\tnil\théllo");
    assert_eq!(lua_sees(&vm, js("'a\\uD800b'")), "string\tnil\ta\u{FFFD}b", "lone surrogates become U+FFFD");
}

#[test]
fn bigints_within_int64_and_out_of_range() {
    let vm = vm();
    assert_eq!(lua_sees(&vm, js("2n ** 63n - 1n")), "number\tinteger\t9223372036854775807");
    assert_eq!(lua_sees(&vm, js("-(2n ** 63n)")), "number\tinteger\t-9223372036854775808");
    let error = vm.set("v", js("2n ** 63n")).unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>(), "{error:?}");
    assert_eq!(vm.run("return 1 + 1", None).unwrap(), 2);
}

#[test]
fn bytes_arrays_objects_and_maps_into_lua() {
    let vm = vm();
    vm.set("b", Uint8Array::from(&[0u8, 255, 10, 128][..]).into()).unwrap();
    assert_eq!(vm.exec("return #b, b:byte(1, -1)", None).unwrap(), "4\t0\t255\t10\t128");
    vm.set("a", js("[10, , 'x', null, {y: 1}]")).unwrap();
    // rawlen is a border (1, 3 or 5: Lua 5.4 answers 5, Lua 5.5 answers 1).
    let border = "local n = rawlen(a) return a[1], a[2], a[3], a[4], a[5].y, a[n] ~= nil and a[n + 1] == nil";
    assert_eq!(vm.exec(border, None).unwrap(), "10\tnil\tx\tnil\t1\ttrue");
    vm.set("o", js("{ name: 'n', nested: { list: [1, 2] }, 'with space': true }")).unwrap();
    assert_eq!(vm.exec("return o.name, o.nested.list[2], o['with space']", None).unwrap(), "n\t2\ttrue");
    vm.set("n", js("Object.assign(Object.create(null), { k: 'v' })")).unwrap();
    assert_eq!(vm.exec("return type(n), n.k", None).unwrap(), "table\tv");
    vm.set("m", js("new Map([[1, 'one'], ['k', 'v'], [true, 'yes'], [2.5, 'x']])")).unwrap();
    assert_eq!(vm.exec("return m[1], m.k, m[true], m[2.5]", None).unwrap(), "one\tv\tyes\tx");
}

#[test]
fn identity_and_cycles_into_lua() {
    let vm = vm();
    let shared = js("{ s: 1 }");
    let pair = Array::of2(&shared, &shared);
    vm.set("p", pair.into()).unwrap();
    assert_eq!(vm.exec("return p[1] == p[2]", None).unwrap(), "true");
    vm.set("c", js("(() => { const c = { name: 'c' }; c.self = c; c.list = [c]; return c; })()")).unwrap();
    assert_eq!(vm.exec("return c.self == c, c.list[1] == c, c.self.self.name", None).unwrap(), "true\ttrue\tc");
    // Several arguments of one call are one conversion.
    vm.exec("function same(a, b) return a == b end", None).unwrap();
    assert_eq!(vm.call("same", Array::of2(&shared, &shared)).unwrap(), true);
}

#[test]
fn depth_limit_into_lua() {
    let vm = vm();
    let nest = |levels: usize| js(&format!("{}1{}", "[".repeat(levels), "]".repeat(levels)));
    vm.set("ok", nest(100)).unwrap();
    assert_eq!(vm.exec("local t, d = ok, 0 while type(t) == 'table' do t, d = t[1], d + 1 end return d", None).unwrap(), "100");
    let error = vm.set("deep", nest(101)).unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>(), "{error:?}");
    assert_eq!(vm.exec("return deep", None).unwrap(), "nil", "nothing was set");
}

#[test]
fn lua_primitives_into_js() {
    let vm = vm();
    assert!(run(&vm, "return nil").is_undefined());
    assert!(run(&vm, "").is_undefined(), "no results");
    assert_eq!(run(&vm, "return true"), true);
    assert_eq!(run(&vm, "return 2^53 - 1 | 0"), 9007199254740991.0);
    assert_eq!(run(&vm, "return -(2^53 - 1 | 0)"), -9007199254740991.0);
    let big = run(&vm, "return 2^53 | 0");
    assert!(big.is_bigint(), "{big:?}");
    assert_eq!(big, JsValue::from(BigInt::from(9007199254740992i64)));
    assert_eq!(run(&vm, "return math.mininteger"), JsValue::from(BigInt::from(i64::MIN)));
    assert_eq!(run(&vm, "return 0.5"), 0.5);
    assert_eq!(run(&vm, "return 3.0"), 3.0);
    assert_eq!(run(&vm, "return 'héllo'"), "héllo");
    let bytes = run(&vm, "return '\\255\\0a'");
    let bytes: Uint8Array = bytes.dyn_into().expect("non-UTF-8 strings are Uint8Array");
    assert_eq!(bytes.to_vec(), vec![255, 0, b'a']);
    let all = vm.run_all("return 1, nil, 'x'", None).unwrap();
    assert_eq!(all.length(), 3);
    assert!(all.get(1).is_undefined());
}

#[test]
fn lua_tables_into_js() {
    let vm = vm();
    assert_eq!(json(&run(&vm, "return {1, 'two', {3}}")), r#"[1,"two",[3]]"#);
    assert!(Array::is_array(&run(&vm, "return {[1] = 'a', [2] = 'b'}")));
    assert_eq!(json(&run(&vm, "return {}")), "{}", "the empty table is a plain object");
    assert_eq!(sorted_json(&run(&vm, "return {a = 1, b = {c = true}}")), r#"{"a":1,"b":{"c":true}}"#);
    assert_eq!(sorted_json(&run(&vm, "return {[1] = 'x', [3] = 'y'}")), r#"{"1":"x","3":"y"}"#, "not a sequence: an object");
    assert_eq!(sorted_json(&run(&vm, "return {[1.5] = 'f', [-2] = 'n', name = 'k', [1e100] = 'e'}")), r#"{"-2":"n","1.5":"f","1e+100":"e","name":"k"}"#);
    let collide = run(&vm, "return {[1] = 'number', ['1'] = 'string', x = 1}");
    let collide: Map = collide.dyn_into().expect("colliding names give a Map");
    assert_eq!(collide.get(&1.into()), "number");
    assert_eq!(collide.get(&"1".into()), "string");
    let bad_key: Map = run(&vm, "return {['\\255'] = 1}").dyn_into().expect("a non-UTF-8 key gives a Map");
    assert_eq!(bad_key.size(), 1);
    let table_keys: Map = run(&vm, "local k = {} return {[k] = 'v', [true] = 'b'}").dyn_into().expect("other keys give a Map");
    assert_eq!(table_keys.size(), 2);
    assert_eq!(table_keys.get(&JsValue::TRUE), "b");
    let raw = run(&vm, "return setmetatable({}, {__index = function() return 'meta' end})");
    assert!(get(&raw, "anything").is_undefined(), "tables are copied raw");
}

#[test]
fn identity_cycles_and_depth_into_js() {
    let vm = vm();
    let c = run(&vm, "local c = {name = 'c'} c.self = c c.list = {c} return c");
    assert!(Object::is(&get(&c, "self"), &c));
    assert!(Object::is(&Array::from(&get(&c, "list")).get(0), &c));
    let all = vm.run_all("local t = {} return t, t", None).unwrap();
    assert!(Object::is(&all.get(0), &all.get(1)), "one runAll is one conversion");
    let nest = |levels: usize| format!("local t = 1 for i = 1, {levels} do t = {{t}} end return t");
    assert!(Array::is_array(&run(&vm, &nest(100))));
    let error = vm.run(&nest(101), None).unwrap_err();
    assert!(error.is_instance_of::<js_sys::RangeError>(), "{error:?}");
}

#[test]
fn opaque_values_into_js() {
    let vm = vm();
    let thread = run(&vm, "return coroutine.create(function() end)");
    let text: String = thread.unchecked_ref::<Object>().to_string().into();
    assert!(text.starts_with("thread: "), "{text}");
    let file = run(&vm, "return io.stdout");
    let text: String = file.unchecked_ref::<Object>().to_string().into();
    assert!(text.starts_with("file ("), "Lua's tostring, __tostring included: {text}");
}

#[test]
fn js_functions_called_from_lua() {
    let vm = vm();
    vm.set("add", Function::new_with_args("a, b", "return a + b").into()).unwrap();
    assert_eq!(vm.exec("return add(2, 3), math.type(add(2, 3)), add(0.5, 1)", None).unwrap(), "5\tinteger\t1.5");
    vm.set("this_of", Function::new_no_args("'use strict'; return this === undefined").into()).unwrap();
    assert_eq!(vm.exec("return this_of()", None).unwrap(), "true");
    vm.set("args", Function::new_no_args("return arguments.length").into()).unwrap();
    assert_eq!(vm.exec("return args(1, nil, 3)", None).unwrap(), "3");
    vm.set("table_arg", Function::new_with_args("t", "return t.list.length + t.list[2]").into()).unwrap();
    assert_eq!(vm.exec("return table_arg({list = {1, 2, 3}})", None).unwrap(), "6", "3 items + list[2] (0-based in JS)");
    vm.set("to_js_and_back", Function::new_with_args("f", "return f").into()).unwrap();
    assert_eq!(vm.exec("local f = function() end return to_js_and_back(f) == f", None).unwrap(), "true", "a Lua function comes back as itself");
}

#[test]
fn js_exceptions_in_lua() {
    let vm = vm();
    vm.set("throws", Function::new_no_args("throw new TypeError('bad thing')").into()).unwrap();
    vm.set("throws_value", Function::new_no_args("throw 42").into()).unwrap();
    assert_eq!(vm.exec("return pcall(throws)", None).unwrap(), "false\tbad thing");
    assert_eq!(vm.exec("return select(2, pcall(throws_value))", None).unwrap(), "42");
    let thrown = vm.run("throws()", None).unwrap_err();
    assert!(thrown.is_instance_of::<js_sys::TypeError>(), "the original JS value: {thrown:?}");
    assert_eq!(String::from(thrown.unchecked_ref::<js_sys::Error>().message()), "bad thing");
    let rethrown = vm.run("local ok, e = pcall(throws) error(e, 0)", None).unwrap_err();
    assert!(rethrown.is_instance_of::<js_sys::TypeError>(), "re-raised unchanged: still the JS value");
    let changed = vm.run("local ok, e = pcall(throws) error('wrapped: ' .. e, 0)", None).unwrap_err();
    assert_eq!(get(&changed, "name"), "LuaError");
    assert_eq!(get(&changed, "message"), "wrapped: bad thing");
    assert_eq!(vm.run("return 'usable'", None).unwrap(), "usable");
}

#[test]
fn lua_functions_called_from_js() {
    let vm = vm();
    let double: Function = run(&vm, "return function(x) return x * 2, 'ignored' end").dyn_into().expect("a JS function");
    assert_eq!(double.call1(&JsValue::UNDEFINED, &21.into()).unwrap(), 42);
    let pack: Function = run(&vm, "return function(...) return select('#', ...), ... end").dyn_into().unwrap();
    assert_eq!(pack.call2(&JsValue::UNDEFINED, &1.into(), &JsValue::UNDEFINED).unwrap(), 2);
    let fails: Function = run(&vm, "return function() error({code = 3}) end").dyn_into().unwrap();
    let error = fails.call0(&JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&error, "name"), "LuaError");
    assert_eq!(get(&get(&error, "value"), "code"), 3);
}

#[test]
fn lua_functions_after_free() {
    let vm = vm();
    let f: Function = run(&vm, "return function() return 1 end").dyn_into().unwrap();
    drop(vm);
    let error = f.call0(&JsValue::UNDEFINED).unwrap_err();
    assert_eq!(String::from(error.unchecked_ref::<js_sys::Error>().message()), "this LuaVm has been freed");
}

#[test]
fn proxies_of_other_objects() {
    let vm = vm();
    let counter = js("new (class Counter { constructor() { this.n = 1 } add(k) { this.n += k; return this.n } })()");
    vm.set("obj", counter.clone()).unwrap();
    assert_eq!(vm.exec("return type(obj), obj.n, obj:add(2), obj.n", None).unwrap(), "userdata\t1\t3\t3");
    vm.exec("obj.n = 10 obj.extra = {1, 2}", None).unwrap();
    assert_eq!(get(&counter, "n"), 10);
    assert!(Array::is_array(&get(&counter, "extra")));
    assert!(Object::is(&vm.get("obj").unwrap(), &counter), "back in JS it is the same object");
    vm.set("date", js("new Date(86400000)")).unwrap();
    assert_eq!(vm.exec("return date:getTime(), tostring(date):sub(1, 3)", None).unwrap(), "86400000\tFri");
    vm.set("typed", js("new Float64Array([1.5, 2.5])")).unwrap();
    assert_eq!(vm.exec("return #typed, typed[1]", None).unwrap(), "2\t2.5", "length and JS (0-based) indexing");
    vm.set("getter", js("Object.defineProperty(new (class X {})(), 'bad', { get() { throw new Error('getter') } })")).unwrap();
    assert_eq!(vm.exec("return pcall(function() return getter.bad end)", None).unwrap(), "false\tgetter");
}

#[test]
fn errors_have_kind_message_traceback_and_value() {
    let vm = vm();
    let error = vm.run("error({code = 7})", None).unwrap_err();
    assert_eq!(get(&error, "name"), "LuaError");
    assert_eq!(get(&error, "kind"), "runtime");
    assert_eq!(get(&error, "message"), "(error object is a table value)");
    assert_eq!(get(&get(&error, "value"), "code"), 7);
    let error = vm.run("error('plain')", Some("app.lua".into())).unwrap_err();
    assert_eq!(get(&error, "message"), "app.lua:1: plain");
    assert_eq!(get(&error, "value"), "app.lua:1: plain");
    assert!(get(&error, "traceback").as_string().unwrap().contains("stack traceback:"));
    let custom = vm.run("error(setmetatable({}, {__tostring = function() return 'custom' end}))", None).unwrap_err();
    assert_eq!(get(&custom, "message"), "custom");
    let syntax = vm.run("return +", Some("bad".into())).unwrap_err();
    assert_eq!(get(&syntax, "kind"), "syntax");
    assert_eq!(get(&syntax, "message"), "bad:1: unexpected symbol near '+'");
    let module = vm.register_module("broken", "return +").unwrap_err();
    assert_eq!(get(&module, "kind"), "syntax", "registerModule compiles at once");
}

#[test]
fn limits_during_calls_and_conversions() {
    let object = Object::new();
    Reflect::set(&object, &"memoryLimit".into(), &400_000.into()).unwrap();
    Reflect::set(&object, &"instructionLimit".into(), &100_000.into()).unwrap();
    let vm = LuaVm::new(object.into()).unwrap();
    let error = vm.run("while true do end", None).unwrap_err();
    assert_eq!(get(&error, "kind"), "instructionLimit");
    let spin: Function = run(&vm, "return function() while true do end end").dyn_into().unwrap();
    assert_eq!(get(&spin.call0(&JsValue::UNDEFINED).unwrap_err(), "kind"), "instructionLimit");
    let big = js("Array.from({ length: 100000 }, (_, i) => 'item ' + i)");
    let error = vm.set("big", big).unwrap_err();
    assert_eq!(get(&error, "kind"), "memory", "converted values count against memoryLimit: {error:?}");
    let result = vm.run("return 1 + 1", None).unwrap();
    assert_eq!(result, 2, "usable after each");
    vm.set_instruction_limit(0.into()).unwrap();
    assert_eq!(vm.run("local n = 0 for i = 1, 200000 do n = n + 1 end return n", None).unwrap(), 200000);
    assert!(vm.set_instruction_limit((-1).into()).unwrap_err().is_instance_of::<js_sys::RangeError>());
}

#[test]
fn options_are_checked() {
    let bad = |text: &str| LuaVm::new(js(text)).err().unwrap_or_else(|| panic!("{text} is refused"));
    assert!(bad("{ memoryLimt: 5 }").is_instance_of::<js_sys::TypeError>(), "unknown option");
    assert!(bad("{ memoryLimit: '5' }").is_instance_of::<js_sys::TypeError>());
    assert!(bad("{ memoryLimit: -1 }").is_instance_of::<js_sys::RangeError>());
    assert!(bad("{ instructionLimit: 1.5 }").is_instance_of::<js_sys::RangeError>());
    assert!(bad("{ instructionLimit: 2 ** 40 }").is_instance_of::<js_sys::RangeError>(), "out of range, not clamped");
    assert!(LuaVm::new(js("{ memoryLimit: 0, instructionLimit: undefined }")).is_ok());
}

#[test]
fn output_bytes_are_exact() {
    let vm = vm();
    vm.exec("io.write('\\255\\0\\128') print('é')", None).unwrap();
    assert_eq!(vm.take_output_bytes().to_vec(), vec![255, 0, 128, 0xC3, 0xA9, b'\n']);
    vm.set("s", Uint8Array::from(&[0xFFu8, 0x80][..]).into()).unwrap();
    vm.exec("io.write(s)", None).unwrap();
    assert_eq!(vm.take_output_bytes().to_vec(), vec![0xFF, 0x80]);
}

#[test]
fn globals_get_set_call() {
    let vm = vm();
    vm.set("x", 5.into()).unwrap();
    assert_eq!(vm.get("x").unwrap(), 5);
    vm.set("x", JsValue::NULL).unwrap();
    assert!(vm.get("x").unwrap().is_undefined());
    vm.exec("function greet(name, n) return 'hi ' .. name .. n end", None).unwrap();
    assert_eq!(vm.call("greet", Array::of2(&"lua".into(), &1.into())).unwrap(), "hi lua1");
    let missing = vm.call("nope", Array::new()).unwrap_err();
    assert!(get(&missing, "message").as_string().unwrap().contains("attempt to call a nil value"), "{missing:?}");
}

#[test]
fn time_limit_and_trusted_options() {
    let vm = LuaVm::new(js("{ timeLimit: 100 }")).unwrap();
    let error = vm.run("while true do pcall(string.rep, 'x', 1e6) end", None).unwrap_err();
    assert_eq!(get(&error, "kind"), "timeLimit", "{error:?}");
    assert_eq!(vm.run("return 1 + 1", None).unwrap(), 2);
    vm.set_time_limit(0.into()).unwrap();
    let refused = vm.run("setmetatable({}, {__gc = function() end})", None).unwrap_err();
    assert!(get(&refused, "message").as_string().unwrap().contains("__gc metamethods are not available"), "{refused:?}");
    let trusted = LuaVm::new(js("{ trusted: true, instructionLimit: 100000 }")).unwrap();
    assert_eq!(trusted.run("return load(string.dump(function() return 7 end))()", None).unwrap(), 7);
    let spin = trusted.run("while true do coroutine.resume(coroutine.create(function() while true do end end)) end", None).unwrap_err();
    assert_eq!(get(&spin, "kind"), "instructionLimit");
    assert!(LuaVm::new(js("{ trusted: 'yes' }")).err().unwrap().is_instance_of::<js_sys::TypeError>());
}

#[test]
fn float_keys_are_named_as_lua_tostring_writes_them() {
    let vm = vm();
    for key in ["1/3", "0.1", "1e15 + 0.5", "-1e-7", "1e300", "123456.789"] {
        let object = run(&vm, &format!("return {{[{key}] = true, name = 'x'}}"));
        let name = vm.run(&format!("return tostring({key})"), None).unwrap();
        assert_eq!(get(&object, &name.as_string().unwrap()), true, "key {key} named {name:?}: {}", json(&object));
    }
}
