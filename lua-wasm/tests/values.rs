//! The value API (mlua style): conversions both ways, tables, Rust functions, chunks, errors,
//! limits, handles and output. Runs natively and on wasm32.

use lua_wasm::{ErrorKind, FromLua, FromLuaMulti, Function, IntoLua, Lua, LuaError, LuaString, MultiValue, Options, Result, Table, Value, Variadic};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::rc::Rc;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn lua() -> Lua {
    Lua::new(Options::default()).expect("state opens")
}

/// A state where `__gc` metamethods are allowed.
fn trusted_lua() -> Lua {
    Lua::new(Options { trusted: true, ..Options::default() }).expect("state opens")
}

/// Asserts that the Lua expression `code` is `true` (exactly, not merely truthy).
#[track_caller]
fn check(lua: &Lua, code: &str) {
    match lua.load(code).eval::<Value>() {
        Ok(Value::Boolean(true)) => {}
        other => panic!("{code:?} gave {other:?}"),
    }
}

/// The value of the Lua expression `code`, converted to `T`.
fn eval<T: FromLuaMulti>(lua: &Lua, code: &str) -> Result<T> {
    lua.load(code).eval()
}

/// Sets the global `x` to `value` (so Lua code can inspect it) and reads it back as `R`.
fn through_global<T: IntoLua, R: FromLua>(lua: &Lua, value: T) -> Result<R> {
    lua.globals().set("x", value)?;
    lua.globals().get("x")
}

#[track_caller]
fn assert_kind<T: Debug>(result: Result<T>, kind: ErrorKind) -> LuaError {
    match result {
        Ok(value) => panic!("expected a {kind:?} error, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.kind, kind, "{error:?}");
            error
        }
    }
}

/// The state still runs code, allocates and collects.
#[track_caller]
fn assert_usable(lua: &Lua) {
    let sum: i64 = eval(lua, "(function() local t = {} for i = 1, 100 do t[i] = tostring(i) end collectgarbage() return #t + 0 end)()").unwrap();
    assert_eq!(sum, 100);
    let table = lua.create_table().unwrap();
    table.set("k", "v").unwrap();
    assert_eq!(table.get::<_, String>("k").unwrap(), "v");
}

// ---- conversions ----

#[test]
fn nil_both_ways() {
    let lua = lua();
    let globals = lua.globals();
    globals.set("x", 1).unwrap();
    globals.set("x", Value::Nil).unwrap();
    check(&lua, "x == nil and rawget(_G, 'x') == nil");
    globals.set("y", 1).unwrap();
    globals.set("y", None::<i64>).unwrap();
    check(&lua, "y == nil");

    assert_eq!(eval::<Value>(&lua, "nil").unwrap(), Value::Nil);
    assert!(eval::<Value>(&lua, "nil").unwrap().is_nil());
    assert_eq!(eval::<Option<i64>>(&lua, "nil").unwrap(), None);
    assert_eq!(globals.get::<_, Option<String>>("missing").unwrap(), None);
    assert_eq!(lua.load("return").eval::<Option<i64>>().unwrap(), None, "no result reads as nil");
    lua.load("return 1, 2").eval::<()>().expect("() ignores every result");

    assert_kind(eval::<i64>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<f64>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<String>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<Vec<u8>>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<Table>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<Function>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<Vec<i64>>(&lua, "nil"), ErrorKind::Conversion);
    assert_kind(eval::<HashMap<String, i64>>(&lua, "nil"), ErrorKind::Conversion);
}

#[test]
fn booleans_and_truthiness() {
    let lua = lua();
    lua.globals().set("t", true).unwrap();
    lua.globals().set("f", false).unwrap();
    check(&lua, "t == true and f == false and type(f) == 'boolean'");
    for (code, expected) in [("nil", false), ("false", false), ("true", true), ("0", true), ("0.0", true), ("''", true), ("{}", true), ("print", true)] {
        assert_eq!(eval::<bool>(&lua, code).unwrap(), expected, "truthiness of {code}");
    }
    assert_eq!(eval::<Option<bool>>(&lua, "false").unwrap(), Some(false));
    assert_eq!(eval::<Option<bool>>(&lua, "nil").unwrap(), None);
    assert_eq!(eval::<Value>(&lua, "1 < 2").unwrap(), Value::Boolean(true));
}

#[track_caller]
fn integer_round_trip<T: IntoLua + FromLua + PartialEq + Debug + Copy>(lua: &Lua, value: T, lua_value: &str) {
    let back: T = through_global(lua, value).unwrap();
    assert_eq!(back, value);
    check(lua, &format!("math.type(x) == 'integer' and x == {lua_value}"));
}

#[test]
fn integers_of_every_width() {
    let lua = lua();
    integer_round_trip(&lua, i8::MIN, "-128");
    integer_round_trip(&lua, i8::MAX, "127");
    integer_round_trip(&lua, i16::MIN, "-32768");
    integer_round_trip(&lua, u16::MAX, "65535");
    integer_round_trip(&lua, i32::MIN, "-2147483648");
    integer_round_trip(&lua, u32::MAX, "4294967295");
    integer_round_trip(&lua, i64::MIN, "math.mininteger");
    integer_round_trip(&lua, i64::MAX, "math.maxinteger");
    integer_round_trip(&lua, isize::MIN, &format!("({})", isize::MIN));
    integer_round_trip(&lua, isize::MAX, &isize::MAX.to_string());
    integer_round_trip(&lua, 1u64 << 62, "1 << 62");
    integer_round_trip(&lua, i64::MAX as u64, "math.maxinteger");
    integer_round_trip(&lua, 123usize, "123");
    integer_round_trip(&lua, 0u32, "0");
}

#[test]
fn integers_out_of_range_are_conversion_errors() {
    let lua = lua();
    assert_eq!(eval::<i8>(&lua, "127").unwrap(), 127);
    let error = assert_kind(eval::<i8>(&lua, "300"), ErrorKind::Conversion);
    assert!(error.message.contains("i8"), "{}", error.message);
    assert_kind(eval::<i8>(&lua, "-129"), ErrorKind::Conversion);
    assert_kind(eval::<i16>(&lua, "32768"), ErrorKind::Conversion);
    assert_kind(eval::<u16>(&lua, "-1"), ErrorKind::Conversion);
    assert_kind(eval::<u16>(&lua, "65536"), ErrorKind::Conversion);
    assert_kind(eval::<i32>(&lua, "2^31"), ErrorKind::Conversion);
    assert_kind(eval::<i32>(&lua, "-2147483649"), ErrorKind::Conversion);
    assert_kind(eval::<u32>(&lua, "4294967296"), ErrorKind::Conversion);
    assert_kind(eval::<u32>(&lua, "-1"), ErrorKind::Conversion);
    assert_kind(eval::<u64>(&lua, "-1"), ErrorKind::Conversion);
    assert_kind(eval::<u64>(&lua, "math.mininteger"), ErrorKind::Conversion);
    assert_kind(eval::<usize>(&lua, "-1"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "2^63"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "-2^63 * 2"), ErrorKind::Conversion);
    assert_kind(eval::<u64>(&lua, "2^64"), ErrorKind::Conversion);
    // In range after all: the error is not a result of the value's type.
    assert_eq!(eval::<u64>(&lua, "2^63").unwrap(), 1u64 << 63);
    assert_eq!(eval::<i64>(&lua, "-2^63").unwrap(), i64::MIN);
    // Not numbers at all.
    assert_kind(eval::<i64>(&lua, "true"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "{}"), ErrorKind::Conversion);
    assert_kind(eval::<u32>(&lua, "print"), ErrorKind::Conversion);
}

#[test]
fn unsigned_integers_above_i64_become_floats() {
    let lua = lua();
    let big = 1u64 << 63;
    assert_eq!(through_global::<_, u64>(&lua, big).unwrap(), big);
    check(&lua, "math.type(x) == 'float' and x == 2^63");
    assert_kind(lua.globals().get::<_, i64>("x"), ErrorKind::Conversion);
    // u64::MAX rounds to 2^64 as a float, which is beyond u64.
    lua.globals().set("x", u64::MAX).unwrap();
    check(&lua, "math.type(x) == 'float' and x == 2^64");
    assert_kind(lua.globals().get::<_, u64>("x"), ErrorKind::Conversion);
    assert_eq!(lua.globals().get::<_, f64>("x").unwrap(), 18446744073709551616.0);
    if usize::BITS == 64 {
        lua.globals().set("x", usize::MAX).unwrap();
        check(&lua, "math.type(x) == 'float'");
    }
}

#[test]
fn integral_floats_convert_to_integers() {
    let lua = lua();
    assert_eq!(eval::<i64>(&lua, "3.0").unwrap(), 3);
    assert_eq!(eval::<i64>(&lua, "-0.0").unwrap(), 0);
    assert_eq!(eval::<i64>(&lua, "2^53").unwrap(), 1 << 53);
    assert_eq!(eval::<i16>(&lua, "32767.0").unwrap(), 32767);
    assert_eq!(eval::<u8_like::U>(&lua, "255.0").unwrap().0, 255);
    assert_kind(eval::<i64>(&lua, "3.5"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "0/0"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "math.huge"), ErrorKind::Conversion);
    assert_kind(eval::<u64>(&lua, "-math.huge"), ErrorKind::Conversion);
    assert_kind(eval::<i32>(&lua, "1e300"), ErrorKind::Conversion);
}

/// A user type converted through `u32`, as an application would define one.
mod u8_like {
    use lua_wasm::{FromLua, Lua, LuaError, Result, Value};
    #[derive(Debug)]
    pub struct U(pub u8);
    impl FromLua for U {
        fn from_lua(value: Value, lua: &Lua) -> Result<Self> {
            let n = u32::from_lua(value, lua)?;
            u8::try_from(n).map(U).map_err(|_| LuaError::runtime("too big for a byte"))
        }
    }
}

#[test]
fn numeric_strings_convert_as_lua_coerces_them() {
    let lua = lua();
    assert_eq!(eval::<i64>(&lua, "'42'").unwrap(), 42);
    assert_eq!(eval::<i64>(&lua, "' 42\\t'").unwrap(), 42);
    assert_eq!(eval::<i64>(&lua, "'-7'").unwrap(), -7);
    assert_eq!(eval::<i64>(&lua, "'10.0'").unwrap(), 10);
    assert_eq!(eval::<i64>(&lua, "'1e2'").unwrap(), 100);
    assert_eq!(eval::<i64>(&lua, "'0x10'").unwrap(), 16, "Lua reads hexadecimal");
    assert_eq!(eval::<f64>(&lua, "'1.5'").unwrap(), 1.5);
    assert_eq!(eval::<f64>(&lua, "'0x1p4'").unwrap(), 16.0);
    assert_eq!(eval::<f32>(&lua, "' 2.5e1 '").unwrap(), 25.0);
    assert_kind(eval::<i64>(&lua, "'abc'"), ErrorKind::Conversion);
    assert_kind(eval::<i64>(&lua, "'10.5'"), ErrorKind::Conversion);
    assert_kind(eval::<f64>(&lua, "'inf'"), ErrorKind::Conversion);
    assert_kind(eval::<f64>(&lua, "'nan'"), ErrorKind::Conversion);

    // Whatever Lua's own `tonumber` makes of a string, the conversions make the same.
    #[rustfmt::skip]
    let cases: &[&[u8]] = &[
        b"42", b" 42 ", b"\t42\n", b"+7", b"-7", b".5", b"5.", b"1e2", b"1E-2", b"10.0", b"0x10", b"0X1F", b"-0x10", b"0x1p4",
        b"0x.8", b"0xffffffffffffffff", b"9223372036854775807", b"9223372036854775808", b"-9223372036854775808", b"1e500", b"abc",
        b"42abc", b"", b" ", b"4 2", b"inf", b"-inf", b"nan", b"infinity", b"1_000", b"0x", b"0b101", b"5\0", b"\xc2\xa05", b"\x0b5\x0c",
        b"1e", b"--1", b"0x1g",
    ];
    let tonumber: Function = eval(&lua, "tonumber").unwrap();
    let tointeger: Function = eval(&lua, "function(s) local n = tonumber(s) return n and math.tointeger(n) end").unwrap();
    for &case in cases {
        let string = lua.create_string(case).unwrap();
        let expected: Option<f64> = tonumber.call(&string).unwrap();
        let got = f64::from_lua(Value::String(string.clone()), &lua).ok();
        assert_eq!(got.map(f64::to_bits), expected.map(f64::to_bits), "f64 from {:?}", String::from_utf8_lossy(case));
        let expected: Option<i64> = tointeger.call(&string).unwrap();
        let got = i64::from_lua(Value::String(string.clone()), &lua).ok();
        assert_eq!(got, expected, "i64 from {:?}", String::from_utf8_lossy(case));
    }
}

#[test]
fn floats_both_ways() {
    let lua = lua();
    assert_eq!(through_global::<_, f64>(&lua, 1.5).unwrap(), 1.5);
    check(&lua, "math.type(x) == 'float' and x == 1.5");
    assert_eq!(through_global::<_, f64>(&lua, 10.0).unwrap(), 10.0);
    check(&lua, "math.type(x) == 'float' and tostring(x) == '10.0'");
    assert_eq!(through_global::<_, f32>(&lua, 0.25f32).unwrap(), 0.25);
    check(&lua, "math.type(x) == 'float' and x == 0.25");
    assert!(through_global::<_, f64>(&lua, f64::NAN).unwrap().is_nan());
    check(&lua, "x ~= x");
    assert_eq!(through_global::<_, f64>(&lua, f64::INFINITY).unwrap(), f64::INFINITY);
    check(&lua, "x == math.huge");
    let negative_zero = through_global::<_, f64>(&lua, -0.0).unwrap();
    assert!(negative_zero == 0.0 && negative_zero.is_sign_negative());
    check(&lua, "1 / x == -math.huge");
    assert_eq!(eval::<f64>(&lua, "3").unwrap(), 3.0);
    assert_eq!(eval::<f64>(&lua, "math.maxinteger").unwrap(), 9223372036854775807.0);
    assert_eq!(eval::<f32>(&lua, "1 / 3").unwrap(), 1.0f32 / 3.0);
    assert_kind(eval::<f64>(&lua, "false"), ErrorKind::Conversion);
    assert_kind(eval::<f32>(&lua, "{}"), ErrorKind::Conversion);
}

#[test]
fn strings_both_ways() {
    let lua = lua();
    assert_eq!(through_global::<_, String>(&lua, "héllo").unwrap(), "héllo");
    check(&lua, "type(x) == 'string' and x == 'h\\u{e9}llo' and #x == 6");
    assert_eq!(through_global::<_, String>(&lua, String::from("owned")).unwrap(), "owned");
    let borrowed = String::from("borrowed");
    assert_eq!(through_global::<_, String>(&lua, &borrowed).unwrap(), "borrowed");
    assert_eq!(through_global::<_, String>(&lua, "a\0b").unwrap(), "a\0b");
    check(&lua, "#x == 3 and x:byte(2) == 0");
    assert_eq!(through_global::<_, String>(&lua, "").unwrap(), "");
    check(&lua, "x == ''");

    let error = assert_kind(eval::<String>(&lua, "'\\255'"), ErrorKind::Conversion);
    assert!(error.message.contains("UTF-8"), "{}", error.message);
    assert_kind(eval::<String>(&lua, "'ok\\xc3\\x28'"), ErrorKind::Conversion);
    assert_kind(eval::<String>(&lua, "true"), ErrorKind::Conversion);
    assert_kind(eval::<String>(&lua, "{}"), ErrorKind::Conversion);
    assert_kind(eval::<String>(&lua, "print"), ErrorKind::Conversion);
    assert_eq!(eval::<Option<String>>(&lua, "'x'").unwrap().as_deref(), Some("x"));
    assert_kind(eval::<Option<String>>(&lua, "'\\255'"), ErrorKind::Conversion);

    let string: LuaString = eval(&lua, "'a\\0\\255'").unwrap();
    assert_eq!(string.to_bytes(), b"a\0\xff");
    assert_kind(string.to_str(), ErrorKind::Conversion);
    assert_eq!(string.to_string_lossy(), "a\0\u{fffd}");
    assert_eq!(lua.create_string("same").unwrap(), eval::<LuaString>(&lua, "'sa' .. 'me'").unwrap(), "strings compare by content");
    assert_ne!(lua.create_string("one").unwrap(), lua.create_string("two").unwrap());
}

#[test]
fn numbers_into_strings_as_tostring_writes_them() {
    let lua = lua();
    assert_eq!(eval::<String>(&lua, "1.5").unwrap(), "1.5");
    assert_eq!(eval::<String>(&lua, "10.0").unwrap(), "10.0");
    assert_eq!(eval::<String>(&lua, "1e100").unwrap(), "1e+100");
    assert_eq!(eval::<String>(&lua, "42").unwrap(), "42");
    assert_eq!(eval::<String>(&lua, "-0.0").unwrap(), "-0.0");
    assert_eq!(eval::<String>(&lua, "math.mininteger").unwrap(), "-9223372036854775808");
    assert_eq!(eval::<Vec<u8>>(&lua, "2.5").unwrap(), b"2.5");
    assert_eq!(String::from_lua(Value::Number(0.1), &lua).unwrap(), "0.1");
    for code in ["1.5", "10.0", "1e100", "-1e-7", "2^63", "1/3", "100 // 1.0", "math.pi", "math.huge", "-math.huge", "123456789012345678"] {
        let expected: String = eval(&lua, &format!("tostring({code})")).unwrap();
        assert_eq!(eval::<String>(&lua, code).unwrap(), expected, "{code}");
    }
}

#[test]
fn byte_strings_round_trip_exactly() {
    let lua = lua();
    let bytes = vec![0u8, 0x80, 0xff, 0, b'a', 0xc3, 0x28, 0];
    assert_eq!(through_global::<_, Vec<u8>>(&lua, bytes.clone()).unwrap(), bytes);
    check(&lua, "type(x) == 'string' and #x == 8 and x:byte(1) == 0 and x:byte(2) == 128 and x:byte(3) == 255 and x:byte(8) == 0");
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(through_global::<_, Vec<u8>>(&lua, all.as_slice()).unwrap(), all);
    check(&lua, "(function() if #x ~= 256 then return false end for i = 0, 255 do if x:byte(i + 1) ~= i then return false end end return true end)()");
    assert_eq!(eval::<Vec<u8>>(&lua, "'\\0\\200\\255\\x80'").unwrap(), vec![0, 200, 0xff, 0x80], "Lua's \\ddd is decimal");
    assert_eq!(eval::<Vec<u8>>(&lua, "''").unwrap(), Vec::<u8>::new());
    assert_kind(eval::<Vec<u8>>(&lua, "{1, 2}"), ErrorKind::Conversion);
    // A sequence of byte strings.
    let list = vec![b"\xff".to_vec(), b"\0\0".to_vec()];
    assert_eq!(through_global::<_, Vec<Vec<u8>>>(&lua, list.clone()).unwrap(), list);
    check(&lua, "#x == 2 and x[1] == '\\255' and x[2] == '\\0\\0'");
    // Through a Rust function and back.
    let reverse = lua.create_function(|_, bytes: Vec<u8>| Ok(bytes.into_iter().rev().collect::<Vec<u8>>())).unwrap();
    assert_eq!(reverse.call::<_, Vec<u8>>(b"\x01\x00\xfe".as_slice()).unwrap(), b"\xfe\x00\x01");
    lua.globals().set("reverse", reverse).unwrap();
    check(&lua, "reverse('\\0\\128\\255') == '\\255\\128\\0'");
}

#[test]
fn vectors_are_sequence_tables() {
    let lua = lua();
    assert_eq!(through_global::<_, Vec<i64>>(&lua, vec![10i64, 20, 30]).unwrap(), vec![10, 20, 30]);
    check(&lua, "type(x) == 'table' and #x == 3 and x[1] == 10 and x[3] == 30 and x[0] == nil and x[4] == nil");
    let words = vec!["a".to_string(), "bé".to_string()];
    assert_eq!(through_global::<_, Vec<String>>(&lua, words.clone()).unwrap(), words);
    let nested = vec![vec![1i64], vec![], vec![2, 3]];
    assert_eq!(through_global::<_, Vec<Vec<i64>>>(&lua, nested.clone()).unwrap(), nested);
    check(&lua, "#x == 3 and #x[2] == 0 and x[3][2] == 3");
    assert_eq!(through_global::<_, Vec<i64>>(&lua, Vec::<i64>::new()).unwrap(), Vec::<i64>::new());
    check(&lua, "type(x) == 'table' and next(x) == nil");
    lua.globals().set("x", vec![Some(1i64), None, Some(3)]).unwrap();
    check(&lua, "x[1] == 1 and x[2] == nil and x[3] == 3");

    assert_eq!(eval::<Vec<i64>>(&lua, "{1, 2, nil, 4}").unwrap(), vec![1, 2], "up to the first nil");
    assert_eq!(eval::<Vec<i64>>(&lua, "{[2] = 2}").unwrap(), Vec::<i64>::new());
    assert_eq!(eval::<Vec<i64>>(&lua, "{1, 2, x = 'ignored'}").unwrap(), vec![1, 2]);
    assert_eq!(eval::<Vec<String>>(&lua, "{1, 'x', 2.5}").unwrap(), vec!["1", "x", "2.5"]);
    let raw: Vec<i64> = eval(&lua, "setmetatable({}, {__index = function(_, i) if i < 5 then return i end end})").unwrap();
    assert!(raw.is_empty(), "raw access: {raw:?}");
    assert_kind(eval::<Vec<i64>>(&lua, "{1, 'x'}"), ErrorKind::Conversion);
    assert_kind(eval::<Vec<i64>>(&lua, "'not a table'"), ErrorKind::Conversion);
    assert_kind(eval::<Vec<i64>>(&lua, "5"), ErrorKind::Conversion);
}

#[test]
fn maps_are_tables() {
    let lua = lua();
    let map: HashMap<String, i64> = [("a".to_string(), 1), ("b".to_string(), 2)].into_iter().collect();
    assert_eq!(through_global::<_, HashMap<String, i64>>(&lua, map.clone()).unwrap(), map);
    check(&lua, "x.a == 1 and x.b == 2 and (function() local n = 0 for _ in pairs(x) do n = n + 1 end return n end)() == 2");
    let tree: BTreeMap<i64, String> = [(1, "one".to_string()), (3, "three".to_string())].into_iter().collect();
    assert_eq!(through_global::<_, BTreeMap<i64, String>>(&lua, tree.clone()).unwrap(), tree);
    check(&lua, "x[1] == 'one' and x[3] == 'three' and x[2] == nil");
    let nested: HashMap<String, Vec<i64>> = [("list".to_string(), vec![1, 2])].into_iter().collect();
    assert_eq!(through_global::<_, HashMap<String, Vec<i64>>>(&lua, nested.clone()).unwrap(), nested);
    check(&lua, "#x.list == 2");
    assert_eq!(through_global::<_, HashMap<String, i64>>(&lua, HashMap::<String, i64>::new()).unwrap(), HashMap::new());

    let mixed: HashMap<String, i64> = eval(&lua, "{a = 1, [2] = 3}").unwrap();
    assert_eq!(mixed, [("a".to_string(), 1), ("2".to_string(), 3)].into_iter().collect());
    let by_number: BTreeMap<i64, bool> = eval(&lua, "{true, false, [10] = true}").unwrap();
    assert_eq!(by_number, [(1, true), (2, false), (10, true)].into_iter().collect());
    assert_kind(eval::<BTreeMap<i64, i64>>(&lua, "{a = 1}"), ErrorKind::Conversion);
    assert_kind(eval::<HashMap<String, i64>>(&lua, "{a = 'x'}"), ErrorKind::Conversion);
    assert_kind(eval::<HashMap<String, i64>>(&lua, "'x'"), ErrorKind::Conversion);
    assert_kind(eval::<BTreeMap<String, i64>>(&lua, "42"), ErrorKind::Conversion);
}

#[test]
fn options_are_nil_or_the_value() {
    let lua = lua();
    assert_eq!(through_global::<_, Option<i64>>(&lua, Some(5i64)).unwrap(), Some(5));
    check(&lua, "x == 5");
    assert_eq!(through_global::<_, Option<String>>(&lua, None::<String>).unwrap(), None);
    check(&lua, "x == nil");
    assert_eq!(eval::<Option<String>>(&lua, "'s'").unwrap(), Some("s".to_string()));
    assert_eq!(eval::<Option<Vec<i64>>>(&lua, "{1}").unwrap(), Some(vec![1]));
    assert_kind(eval::<Option<String>>(&lua, "{}"), ErrorKind::Conversion);
    assert_kind(eval::<Option<i64>>(&lua, "false"), ErrorKind::Conversion);
}

#[test]
fn tuples_are_argument_and_result_lists() {
    let lua = lua();
    let f: Function = eval(&lua, "function(a, b, c) return c, b, a, select('#', a, b, c) end").unwrap();
    assert_eq!(f.call::<_, (f64, String, i64, i64)>((1, "two", 3.5)).unwrap(), (3.5, "two".to_string(), 1, 3));
    let count: Function = eval(&lua, "function(...) return select('#', ...) end").unwrap();
    assert_eq!(count.call::<_, i64>(()).unwrap(), 0);
    assert_eq!(count.call::<_, i64>((1,)).unwrap(), 1);
    assert_eq!(count.call::<_, i64>(7).unwrap(), 1, "one value is one argument");
    assert_eq!(count.call::<_, i64>((1, None::<i64>)).unwrap(), 2, "a trailing nil is still an argument");
    assert_eq!(count.call::<_, i64>((1, 2, 3, 4, 5, 6, 7, 8)).unwrap(), 8);
    let many: (i64, i64, i64, i64, i64, i64, i64, i64) = eval(&lua, "1, 2, 3, 4, 5, 6, 7, 8").unwrap();
    assert_eq!(many, (1, 2, 3, 4, 5, 6, 7, 8));
    assert_eq!(eval::<(i64, Option<i64>, Option<String>)>(&lua, "1").unwrap(), (1, None, None), "missing results are nil");
    assert_eq!(eval::<i64>(&lua, "1, 2, 3").unwrap(), 1, "extra results are dropped");
    assert_eq!(eval::<(i64, String)>(&lua, "1, 2, 3").unwrap(), (1, "2".to_string()));
    assert_kind(eval::<(i64, i64)>(&lua, "1, 'x'"), ErrorKind::Conversion);

    let swap = lua.create_function(|_, (a, b): (String, i64)| Ok((b, a))).unwrap();
    lua.globals().set("swap", swap).unwrap();
    check(&lua, "(function() local a, b = swap('s', 2) return a == 2 and b == 's' and select('#', swap('s', 2)) == 2 end)()");
}

#[test]
fn variadic_arguments_and_results() {
    let lua = lua();
    let sum = lua.create_function(|_, numbers: Variadic<i64>| Ok(numbers.iter().sum::<i64>())).unwrap();
    let range = lua.create_function(|_, n: i64| Ok(Variadic((1..=n).collect::<Vec<i64>>()))).unwrap();
    let join = lua.create_function(|_, (separator, parts): (String, Variadic<String>)| Ok(parts.join(&separator))).unwrap();
    let globals = lua.globals();
    globals.set("sum", sum.clone()).unwrap();
    globals.set("range", range).unwrap();
    globals.set("join", join).unwrap();
    check(&lua, "sum() == 0 and sum(1) == 1 and sum(1, 2, 3) == 6");
    check(&lua, "select('#', range(0)) == 0 and select('#', range(3)) == 3 and select(3, range(3)) == 3");
    check(&lua, "join(', ') == '' and join(', ', 'a', 'b', 3) == 'a, b, 3'");
    check(&lua, "sum(range(100)) == 5050");
    check(&lua, "not pcall(sum, 1, 'x', 3)");
    assert_eq!(sum.call::<_, i64>(Variadic(vec![4i64, 5])).unwrap(), 9);
    assert_eq!(eval::<Variadic<i64>>(&lua, "1, 2, 3").unwrap(), Variadic(vec![1, 2, 3]));
    assert_eq!(eval::<(String, Variadic<i64>)>(&lua, "'a', 1, 2").unwrap(), ("a".to_string(), Variadic(vec![1, 2])));
    assert_eq!(eval::<Variadic<i64>>(&lua, "").unwrap(), Variadic(vec![]));
}

#[test]
fn multi_values_keep_every_value() {
    let lua = lua();
    let count = lua.create_function(|_, values: MultiValue| Ok(values.len())).unwrap();
    let nils = lua.create_function(|_, ()| Ok(MultiValue::from_vec(vec![Value::Nil, Value::Boolean(true), Value::Nil]))).unwrap();
    let first_and_rest = lua.create_function(|_, (first, rest): (i64, MultiValue)| Ok((first, rest.len()))).unwrap();
    lua.globals().set("count", count).unwrap();
    lua.globals().set("nils", nils).unwrap();
    lua.globals().set("first_and_rest", first_and_rest).unwrap();
    check(&lua, "count() == 0 and count(nil) == 1 and count(nil, nil) == 2");
    check(&lua, "select('#', nils()) == 3 and select(2, nils()) == true");
    check(&lua, "select(2, first_and_rest(1, nil, nil, 4)) == 3");
    let results: MultiValue = eval(&lua, "1, nil, 'x', nil").unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], Value::Integer(1));
    assert_eq!(results[1], Value::Nil);
    assert!(matches!(&results[2], Value::String(s) if s.to_bytes() == b"x"));
    assert_eq!(results[3], Value::Nil);
    let select: Function = eval(&lua, "function(...) return select('#', ...), ... end").unwrap();
    let (n, rest): (i64, MultiValue) = select.call(MultiValue::from_vec(vec![Value::Nil, Value::Nil, Value::Integer(3)])).unwrap();
    assert_eq!(n, 3);
    assert_eq!(rest.into_vec(), vec![Value::Nil, Value::Nil, Value::Integer(3)]);
    assert!(eval::<MultiValue>(&lua, "").unwrap().is_empty());
}

#[test]
fn values_of_every_type() {
    let lua = lua();
    assert_eq!(eval::<Value>(&lua, "1").unwrap(), Value::Integer(1));
    assert_eq!(eval::<Value>(&lua, "1.0").unwrap(), Value::Number(1.0));
    assert_eq!(eval::<Value>(&lua, "2^53").unwrap(), Value::Number(9007199254740992.0));
    assert_eq!(eval::<Value>(&lua, "7 // 2").unwrap(), Value::Integer(3));
    assert_eq!(eval::<Value>(&lua, "false").unwrap(), Value::Boolean(false));
    assert!(matches!(eval::<Value>(&lua, "'s'").unwrap(), Value::String(s) if s.to_str().unwrap() == "s"));
    assert!(matches!(eval::<Value>(&lua, "{}").unwrap(), Value::Table(_)));
    assert!(matches!(eval::<Value>(&lua, "print").unwrap(), Value::Function(_)));
    assert!(matches!(eval::<Value>(&lua, "coroutine.create(print)").unwrap(), Value::Thread(_)));
    for code in ["nil", "true", "1", "1.5", "'s'", "{}", "print", "function() end", "coroutine.create(print)", "io.stdout"] {
        let value: Value = eval(&lua, code).unwrap();
        let expected: String = eval(&lua, &format!("type({code})")).unwrap();
        assert_eq!(value.type_name(), expected, "{code}");
    }

    // Values go back into Lua as the same objects.
    let table: Value = eval(&lua, "(function() t0 = {} return t0 end)()").unwrap();
    lua.globals().set("t1", table.clone()).unwrap();
    check(&lua, "rawequal(t0, t1)");
    assert_eq!(table, lua.globals().get::<_, Value>("t0").unwrap(), "the same table compares equal");
    assert_ne!(table, eval::<Value>(&lua, "{}").unwrap());
    let function: Value = eval(&lua, "print").unwrap();
    lua.globals().set("p", function).unwrap();
    check(&lua, "p == print");
    lua.globals().set("i", Value::Integer(5)).unwrap();
    lua.globals().set("n", Value::Number(5.0)).unwrap();
    check(&lua, "math.type(i) == 'integer' and math.type(n) == 'float' and i == n");
    let light = Value::LightUserData(16 as *mut core::ffi::c_void);
    assert_eq!(through_global::<_, Value>(&lua, light.clone()).unwrap(), light);
    check(&lua, "type(x) == 'userdata'");
    let thread: Value = eval(&lua, "coroutine.create(function() end)").unwrap();
    lua.globals().set("co", thread).unwrap();
    check(&lua, "coroutine.status(co) == 'suspended' and coroutine.resume(co)");
}

// ---- tables ----

#[test]
fn get_and_set_use_metamethods_raw_access_does_not() {
    let lua = lua();
    let table: Table = eval(
        &lua,
        "setmetatable({}, {
            __index = function(_, k) return k .. '!' end,
            __newindex = function(t, k, v) rawset(t, k, v * 2) end,
        })",
    )
    .unwrap();
    assert_eq!(table.get::<_, String>("x").unwrap(), "x!");
    assert_eq!(table.raw_get::<_, Option<String>>("x").unwrap(), None);
    table.set("n", 5).unwrap();
    assert_eq!(table.raw_get::<_, i64>("n").unwrap(), 10, "__newindex ran");
    table.raw_set("m", 5).unwrap();
    assert_eq!(table.raw_get::<_, i64>("m").unwrap(), 5, "__newindex skipped");
    table.set("m", 6).unwrap();
    assert_eq!(table.get::<_, i64>("m").unwrap(), 6, "an existing key does not reach __newindex");

    let inherits: Table = eval(&lua, "setmetatable({}, {__index = {inherited = 1}})").unwrap();
    assert_eq!(inherits.get::<_, i64>("inherited").unwrap(), 1);
    assert_eq!(inherits.raw_get::<_, Value>("inherited").unwrap(), Value::Nil);

    let plain = lua.create_table().unwrap();
    plain.set(1, "one").unwrap();
    plain.set(2.0, "two").unwrap();
    plain.set(true, "yes").unwrap();
    plain.set(plain.clone(), "self").unwrap();
    assert_eq!(plain.get::<_, String>(1.0).unwrap(), "one", "float keys with integer values are normalized");
    assert_eq!(plain.get::<_, String>(2).unwrap(), "two");
    assert_eq!(plain.get::<_, String>(true).unwrap(), "yes");
    assert_eq!(plain.get::<_, String>(&plain).unwrap(), "self");
    plain.set(1, Value::Nil).unwrap();
    assert_eq!(plain.get::<_, Value>(1).unwrap(), Value::Nil);
    assert_kind(plain.set(Value::Nil, 1), ErrorKind::Runtime);
    assert_kind(plain.raw_set(Value::Nil, 1), ErrorKind::Runtime);
    assert_kind(plain.set(f64::NAN, 1), ErrorKind::Runtime);
    assert_eq!(plain.get::<_, Value>(Value::Nil).unwrap(), Value::Nil, "reading a nil key is allowed");
    assert_usable(&lua);
}

#[test]
fn len_uses_len_metamethod_raw_len_does_not() {
    let lua = lua();
    let table: Table = eval(&lua, "setmetatable({1, 2, 3}, {__len = function() return 42 end})").unwrap();
    assert_eq!(table.len().unwrap(), 42);
    assert_eq!(table.raw_len().unwrap(), 3);
    let plain = lua.create_sequence_from([1, 2, 3, 4]).unwrap();
    assert_eq!(plain.len().unwrap(), 4);
    assert_eq!(plain.raw_len().unwrap(), 4);
    let empty = lua.create_table().unwrap();
    assert_eq!(empty.len().unwrap(), 0);
    assert!(empty.is_empty().unwrap());
    assert!(!plain.is_empty().unwrap());
    let error = assert_kind(eval::<Table>(&lua, "setmetatable({}, {__len = function() error('no length', 0) end})").unwrap().len(), ErrorKind::Runtime);
    assert_eq!(error.message, "no length");
}

#[test]
fn pairs_visits_every_key_once() {
    let lua = lua();
    let table: Table = eval(&lua, "{10, 20, x = 'y', [true] = false, [2.5] = 'f', [-1] = 'neg'}").unwrap();
    let mut seen: Vec<(String, String)> = table
        .pairs::<Value, Value>()
        .map(|pair| {
            let (key, value) = pair.unwrap();
            (format!("{}:{}", key.type_name(), describe(&key)), describe(&value))
        })
        .collect();
    seen.sort();
    let mut expected = vec![
        ("number:1".to_string(), "10".to_string()),
        ("number:2".to_string(), "20".to_string()),
        ("string:x".to_string(), "y".to_string()),
        ("boolean:true".to_string(), "false".to_string()),
        ("number:2.5".to_string(), "f".to_string()),
        ("number:-1".to_string(), "neg".to_string()),
    ];
    expected.sort();
    assert_eq!(seen, expected);

    let typed: HashMap<String, i64> = eval::<Table>(&lua, "{a = 1, b = 2}").unwrap().pairs::<String, i64>().collect::<Result<_>>().unwrap();
    assert_eq!(typed, [("a".to_string(), 1), ("b".to_string(), 2)].into_iter().collect());
    assert_eq!(lua.create_table().unwrap().pairs::<Value, Value>().count(), 0);
    let wrong: Vec<Result<(i64, i64)>> = eval::<Table>(&lua, "{a = 1}").unwrap().pairs().collect();
    assert_eq!(wrong.len(), 1);
    assert_kind(wrong.into_iter().next().unwrap(), ErrorKind::Conversion);
    let with_meta: Table = eval(&lua, "setmetatable({a = 1}, {__pairs = function() error('not used') end, __index = function() return 1 end})").unwrap();
    assert_eq!(with_meta.pairs::<String, i64>().count(), 1, "no metamethods");

    // Setting existing keys while iterating is allowed, as with `next`.
    let big = lua.create_table_from((1..=100).map(|i| (format!("k{i}"), i))).unwrap();
    for pair in big.pairs::<String, i64>() {
        let (key, value) = pair.unwrap();
        big.set(key, value * 2).unwrap();
    }
    let total: i64 = big.pairs::<String, i64>().map(|pair| pair.unwrap().1).sum();
    assert_eq!(total, 2 * 5050);
    // So is clearing them.
    let mut visited = 0;
    for pair in big.pairs::<String, i64>() {
        let (key, _) = pair.unwrap();
        big.set(key, Value::Nil).unwrap();
        lua.collect_garbage().unwrap();
        visited += 1;
    }
    assert_eq!(visited, 100);
    assert!(big.is_empty().unwrap());
}

fn describe(value: &Value) -> String {
    match value {
        Value::Nil => "nil".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Integer(n) => n.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.to_string_lossy(),
        other => other.type_name().into(),
    }
}

#[test]
fn sequence_values_stop_at_the_first_nil() {
    let lua = lua();
    let table: Table = eval(&lua, "{1, 2, nil, 4}").unwrap();
    assert_eq!(table.sequence_values::<i64>().collect::<Result<Vec<_>>>().unwrap(), vec![1, 2]);
    let holey: Table = eval(&lua, "{nil, 2}").unwrap();
    assert_eq!(holey.sequence_values::<i64>().count(), 0);
    let strings: Table = eval(&lua, "{'a', 'b', 'c'}").unwrap();
    assert_eq!(strings.sequence_values::<String>().collect::<Result<Vec<_>>>().unwrap(), vec!["a", "b", "c"]);
    let with_index: Table = eval(&lua, "setmetatable({1}, {__index = function(_, i) if i < 10 then return i end end})").unwrap();
    assert_eq!(with_index.sequence_values::<i64>().count(), 1, "raw access");
    let mixed: Table = eval(&lua, "{1, 'x', 3}").unwrap();
    let items: Vec<Result<i64>> = mixed.sequence_values().collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_err() && items[2].is_ok());
    let made = lua.create_sequence_from(vec!["x", "y"]).unwrap();
    assert_eq!(made.raw_len().unwrap(), 2);
    assert_eq!(made.sequence_values::<String>().collect::<Result<Vec<_>>>().unwrap(), vec!["x", "y"]);
}

#[test]
fn errors_in_metamethods_reach_rust_and_the_state_survives() {
    let lua = lua();
    let table: Table = eval(
        &lua,
        "setmetatable({}, {
            __index = function(_, k) error('no such key ' .. k) end,
            __newindex = function() error({code = 3}) end,
        })",
    )
    .unwrap();
    let error = assert_kind(table.get::<_, Value>("x"), ErrorKind::Runtime);
    assert!(error.message.ends_with("no such key x"), "{}", error.message);
    let error = assert_kind(table.set("y", 1), ErrorKind::Runtime);
    let Some(Value::Table(object)) = &error.value else { panic!("the error table is kept: {error:?}") };
    assert_eq!(object.get::<_, i64>("code").unwrap(), 3);
    assert_eq!(error.message, "(error object is a table value)");
    table.raw_set("y", 1).unwrap();
    assert_eq!(table.get::<_, i64>("y").unwrap(), 1, "an existing key needs no metamethod");

    // A Rust metamethod's error comes back unchanged.
    let fail = lua
        .create_function(|_, (_t, key): (Table, String)| -> Result<()> { Err(LuaError::new(ErrorKind::Conversion, format!("rust says no to {key}"))) })
        .unwrap();
    let guarded = lua.create_table().unwrap();
    let meta = lua.create_table_from([("__index", fail)]).unwrap();
    lua.globals().set("meta", meta).unwrap();
    lua.globals().set("guarded", guarded.clone()).unwrap();
    lua.load("setmetatable(guarded, meta)").exec().unwrap();
    let error = assert_kind(guarded.get::<_, Value>("z"), ErrorKind::Conversion);
    assert_eq!(error.message, "rust says no to z");
    // A Rust metamethod that runs Lua.
    let computed = lua.create_function(|lua, (_t, key): (Table, String)| lua.load(format!("return #'{key}'")).eval::<i64>()).unwrap();
    let lazy = lua.create_table().unwrap();
    lua.globals().set("lazy", lazy.clone()).unwrap();
    lua.globals().set("computed", computed).unwrap();
    lua.load("setmetatable(lazy, {__index = computed})").exec().unwrap();
    assert_eq!(lazy.get::<_, i64>("four").unwrap(), 4);
    check(&lua, "lazy.three == 5");
    assert_usable(&lua);
}

// ---- Rust functions ----

#[test]
fn functions_capture_state() {
    let lua = lua();
    let counter = Rc::new(Cell::new(0));
    let captured = counter.clone();
    let increment = lua
        .create_function(move |_, by: Option<i32>| {
            captured.set(captured.get() + by.unwrap_or(1));
            Ok(captured.get())
        })
        .unwrap();
    lua.globals().set("increment", increment.clone()).unwrap();
    check(&lua, "increment() == 1 and increment() == 2 and increment(10) == 12");
    assert_eq!(counter.get(), 12);
    assert_eq!(increment.call::<_, i32>(()).unwrap(), 13, "called from Rust too");
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    let record = lua
        .create_function(move |_, line: String| {
            sink.borrow_mut().push(line);
            Ok(())
        })
        .unwrap();
    lua.globals().set("record", record).unwrap();
    lua.load("for i = 1, 3 do record('line ' .. i) end").exec().unwrap();
    assert_eq!(*log.borrow(), vec!["line 1", "line 2", "line 3"]);
    check(&lua, "type(increment) == 'function' and getmetatable(increment) == nil");

    // Dropping the state drops the closures (and what they captured).
    assert!(Rc::strong_count(&counter) > 1);
    drop(increment);
    drop(lua);
    assert_eq!(Rc::strong_count(&counter), 1, "the closure was dropped with the state");
    assert_eq!(Rc::strong_count(&log), 1);
}

#[test]
fn rust_errors_are_lua_errors() {
    let lua = lua();
    let fail = lua.create_function(|_, n: i64| -> Result<()> { Err(LuaError::runtime(format!("raised from Rust: {n}"))) }).unwrap();
    lua.globals().set("fail", fail.clone()).unwrap();
    check(&lua, "(function() local ok, e = pcall(fail, 7) return ok == false and e == 'raised from Rust: 7' end)()");
    check(&lua, "select(2, xpcall(fail, function(m) return 'handled: ' .. m end, 8)) == 'handled: raised from Rust: 8'");

    let error = assert_kind(lua.load("fail(7)").name("caller").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "raised from Rust: 7", "unchanged: no position added");
    assert!(error.traceback.contains("caller:1"), "{}", error.traceback);
    assert_eq!(assert_kind(fail.call::<_, ()>(9), ErrorKind::Runtime).message, "raised from Rust: 9");
    // Re-raised unchanged from Lua, it is still the Rust error.
    let error = assert_kind(lua.load("local ok, e = pcall(fail, 1) error(e, 0)").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "raised from Rust: 1");

    // The kind survives the trip through Lua.
    let typed = lua.create_function(|_, ()| -> Result<()> { Err(LuaError::new(ErrorKind::Conversion, "typed failure")) }).unwrap();
    lua.globals().set("typed", typed).unwrap();
    let error = assert_kind(lua.load("local x = 1 typed()").exec(), ErrorKind::Conversion);
    assert_eq!(error.message, "typed failure");
    // An argument that does not convert is an error Lua can catch.
    let wants_number = lua.create_function(|_, n: i64| Ok(n)).unwrap();
    lua.globals().set("wants_number", wants_number).unwrap();
    check(&lua, "not pcall(wants_number, 'abc') and not pcall(wants_number, {}) and wants_number('12') == 12");
    assert_kind(lua.load("wants_number('abc')").exec(), ErrorKind::Conversion);
    // An error value set from Rust is what Lua sees.
    let with_value = lua
        .create_function(|lua, ()| -> Result<()> {
            let mut error = LuaError::runtime("with a table");
            error.value = Some(Value::Table(lua.create_table_from([("code", 7)])?));
            Err(error)
        })
        .unwrap();
    lua.globals().set("with_value", with_value).unwrap();
    check(&lua, "select(2, pcall(with_value)).code == 7");
    assert_usable(&lua);
}

#[test]
fn functions_may_call_back_into_lua() {
    let lua = lua();
    let globals = lua.globals();
    let run = lua.create_function(|lua, code: String| lua.load(code).name("inner").eval::<MultiValue>()).unwrap();
    let apply = lua.create_function(|_, (f, x): (Function, i64)| f.call::<_, i64>(x)).unwrap();
    let bump = lua
        .create_function(|lua, ()| {
            let globals = lua.globals();
            let n: i64 = globals.get("counter")?;
            globals.set("counter", n + 1)?;
            Ok(n + 1)
        })
        .unwrap();
    globals.set("run", run).unwrap();
    globals.set("apply", apply.clone()).unwrap();
    globals.set("bump", bump).unwrap();
    globals.set("counter", 0).unwrap();

    check(&lua, "run('1 + 2') == 3");
    check(&lua, "select('#', run('1, 2, nil')) == 3");
    check(&lua, "run('run(\"40\") + 2') == 42");
    check(&lua, "apply(function(x) return x * 2 end, 21) == 42");
    check(&lua, "apply(function(x) return apply(function(y) return y + 1 end, x) end, 1) == 2");
    check(&lua, "bump() == 1 and bump() == 2 and counter == 2");
    let double: Function = eval(&lua, "function(x) return x * 2 end").unwrap();
    assert_eq!(apply.call::<_, i64>((double, 5)).unwrap(), 10);

    // Errors travel through the layers unchanged.
    let error = assert_kind(lua.load("run('error(\"deep\")')").name("outer").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "inner:1: deep");
    check(&lua, "(function() local ok, e = pcall(run, 'error(\"x\", 0)') return not ok and e == 'x' end)()");
    check(&lua, "(function() local ok, e = pcall(run, 'error({code = 7})') return not ok and e.code == 7 end)()");
    check(&lua, "(function() local ok, e = pcall(apply, function() error('in f', 0) end, 1) return not ok and e == 'in f' end)()");
    let error = assert_kind(lua.load("run('return +')").exec(), ErrorKind::Syntax);
    assert!(error.message.starts_with("inner:1:"), "{}", error.message);
    check(&lua, "run('return 5') == 5");
    assert!(lua.load("return 1").eval::<i64>().is_ok());
    assert!(!lua.is_running());
    let running = lua.create_function(|lua, ()| Ok(lua.is_running())).unwrap();
    assert!(running.call::<_, bool>(()).unwrap());
    assert_usable(&lua);
}

#[test]
fn functions_called_from_coroutines() {
    let lua = lua();
    let globals = lua.globals();
    globals.set("add", lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b)).unwrap()).unwrap();
    globals.set("apply", lua.create_function(|_, (f, x): (Function, i64)| f.call::<_, i64>(x)).unwrap()).unwrap();
    globals.set("run", lua.create_function(|lua, code: String| lua.load(code).eval::<MultiValue>()).unwrap()).unwrap();
    globals.set("make", lua.create_function(|lua, n: i64| lua.create_sequence_from(0..n)).unwrap()).unwrap();
    globals.set("fail", lua.create_function(|_, ()| -> Result<()> { Err(LuaError::runtime("failed in a coroutine")) }).unwrap()).unwrap();
    let kept = Rc::new(RefCell::new(None));
    let keep = kept.clone();
    let keep = lua
        .create_function(move |_, f: Function| {
            *keep.borrow_mut() = Some(f);
            Ok(())
        })
        .unwrap();
    globals.set("keep", keep).unwrap();

    let results: (bool, i64, bool, i64, i64, i64, i64) = lua
        .load(
            "local co = coroutine.create(function(a)
                local b = coroutine.yield(add(a, 1))
                keep(function(x) return x + b end)
                return add(b, 10), apply(function(x) return x + 1 end, b), run('return 5'), #make(4)
            end)
            local ok1, r1 = coroutine.resume(co, 1)
            local ok2, r2, r3, r4, r5 = coroutine.resume(co, 100)
            return ok1, r1, ok2, r2, r3, r4, r5",
        )
        .eval()
        .unwrap();
    assert_eq!(results, (true, 2, true, 110, 101, 5, 4));
    let closure = kept.borrow_mut().take().expect("kept from inside the coroutine");
    assert_eq!(closure.call::<_, i64>(1).unwrap(), 101, "a function handle made inside a coroutine outlives it");

    check(&lua, "(function() local ok, e = coroutine.resume(coroutine.create(function() fail() end)) return not ok and e == 'failed in a coroutine' end)()");
    check(&lua, "coroutine.wrap(function() return add(1, 2) end)() == 3");
    check(
        &lua,
        "(function() local t = {} for v in coroutine.wrap(function() for i = 1, 3 do coroutine.yield(add(i, i)) end end) do t[#t + 1] = v end return #t == 3 and t[3] == 6 end)()",
    );
    // Yielding across a Rust function is a clean error.
    check(
        &lua,
        "(function() local ok, e = coroutine.resume(coroutine.create(function() apply(coroutine.yield, 1) end)) return not ok and e:find('yield across') ~= nil end)()",
    );
    // Called from Rust on a thread inside a coroutine, nested.
    check(&lua, "coroutine.wrap(function() return run('return coroutine.wrap(function() return add(2, 3) end)()') end)() == 5");
    assert_usable(&lua);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn panics_in_rust_functions_become_lua_errors() {
    let lua = lua();
    let panics = lua.create_function(|_, message: String| -> Result<()> { panic!("boom: {message}") }).unwrap();
    let static_panic = lua.create_function(|_, ()| -> Result<()> { panic!("static boom") }).unwrap();
    lua.globals().set("panics", panics.clone()).unwrap();
    lua.globals().set("static_panic", static_panic).unwrap();
    let message: String = eval(&lua, "select(2, pcall(panics, 'caught'))").unwrap();
    assert!(message.contains("panicked") && message.contains("boom: caught"), "{message}");
    let message: String = eval(&lua, "select(2, pcall(static_panic))").unwrap();
    assert!(message.contains("panicked") && message.contains("static boom"), "{message}");
    let error = assert_kind(lua.load("panics('uncaught')").exec(), ErrorKind::Runtime);
    assert!(error.message.contains("panicked") && error.message.contains("boom: uncaught"), "{}", error.message);
    let error = assert_kind(panics.call::<_, ()>("direct"), ErrorKind::Runtime);
    assert!(error.message.contains("panicked"), "{}", error.message);
    // Inside a callback that re-entered Lua.
    let outer = lua.create_function(|lua, ()| lua.load("panics('nested')").exec()).unwrap();
    let error = assert_kind(outer.call::<_, ()>(()), ErrorKind::Runtime);
    assert!(error.message.contains("boom: nested"), "{}", error.message);
    assert!(!lua.is_running());
    assert_usable(&lua);
    let fine = lua.create_function(|_, n: i64| Ok(n * 2)).unwrap();
    assert_eq!(fine.call::<_, i64>(21).unwrap(), 42);
}

/// The debug library reaches the userdata behind a Rust function (`debug.getupvalue`): Lua code
/// can run its `__gc` early (even while the function runs) or on other values, and put another
/// value, or another userdata given the same metatable, in its place. None of it may crash.
#[test]
fn lua_code_cannot_release_or_forge_a_rust_function() {
    // Trusted: `debug.setmetatable` with a metatable that has `__gc` is refused otherwise.
    let lua = trusted_lua();
    let data = Rc::new(vec![1i64, 2, 3]);
    let captured = data.clone();
    let sum = lua.create_function(move |_, ()| Ok(captured.iter().sum::<i64>())).unwrap();
    lua.globals().set("sum", sum.clone()).unwrap();
    let forge = lua.create_function(|lua, ()| {
        // Frees this very function's closure while it runs.
        lua.load("local _, box = debug.getupvalue(forge, 1) debug.getmetatable(box).__gc(box)").exec()?;
        Ok(1)
    });
    lua.globals().set("forge", forge.unwrap()).unwrap();
    check(&lua, "forge() == 1");
    check(&lua, "not pcall(forge)");
    check(&lua, "sum() == 6");
    check(
        &lua,
        "(function()
            local _, box = debug.getupvalue(sum, 1)
            local gc = debug.getmetatable(box).__gc
            pcall(gc, io.stdout) pcall(gc, {}) pcall(gc, 1)
            return sum() == 6
        end)()",
    );
    assert_eq!(sum.call::<_, i64>(()).unwrap(), 6);
    let message: String = eval(
        &lua,
        "(function()
            local _, box = debug.getupvalue(sum, 1)
            debug.getmetatable(box).__gc(box)
            local ok, e = pcall(sum)
            return not ok and e
        end)()",
    )
    .unwrap();
    assert!(!message.is_empty());
    assert_kind(sum.call::<_, i64>(()), ErrorKind::Runtime);
    assert_eq!(Rc::strong_count(&data), 1, "released");
    let other = lua.create_function(|_, ()| Ok("other")).unwrap();
    lua.globals().set("other", other).unwrap();
    check(&lua, "debug.setupvalue(sum, 1, 42) == '' and not pcall(sum)");
    check(&lua, "debug.setupvalue(sum, 1, io.stdout) == '' and not pcall(sum)");
    check(
        &lua,
        "(function()
            local file_meta = debug.getmetatable(io.stdout)
            debug.setmetatable(io.stdout, debug.getmetatable(select(2, debug.getupvalue(other, 1))))
            debug.setupvalue(sum, 1, io.stdout)
            local refused = not pcall(sum)
            debug.getmetatable(io.stdout).__gc(io.stdout)
            debug.setmetatable(io.stdout, file_meta)
            return refused
        end)()",
    );
    check(&lua, "debug.setupvalue(sum, 1, select(2, debug.getupvalue(other, 1))) == '' and sum() == 'other'");
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    assert_usable(&lua);
}

// ---- chunks ----

#[test]
fn load_evaluates_expressions_and_blocks() {
    let lua = lua();
    assert_eq!(lua.load("1 + 1").eval::<i64>().unwrap(), 2);
    assert_eq!(lua.load("return 1 + 1").eval::<i64>().unwrap(), 2);
    assert_eq!(lua.load("local x = 20 return x + 1").eval::<i64>().unwrap(), 21);
    assert_eq!(lua.load("'a' .. 'b', 3").eval::<(String, i64)>().unwrap(), ("ab".to_string(), 3));
    lua.load("y = 5").eval::<()>().unwrap();
    assert_eq!(lua.globals().get::<_, i64>("y").unwrap(), 5);
    assert_eq!(lua.load("y = 6").eval::<Option<i64>>().unwrap(), None, "a statement has no value");
    assert_eq!(lua.load("-- comment\n 3").eval::<i64>().unwrap(), 3);
    assert_eq!(lua.load(String::from("4")).eval::<i64>().unwrap(), 4);
    assert_eq!(lua.load(b"'\xff'".as_slice()).eval::<Vec<u8>>().unwrap(), b"\xff");
    assert_eq!(lua.load(b"5".to_vec()).eval::<i64>().unwrap(), 5);
    lua.load("z = 1").exec().unwrap();
    assert_eq!(lua.globals().get::<_, i64>("z").unwrap(), 1);
    lua.load("return 1, 2").exec().unwrap();
}

#[test]
fn chunk_names_appear_in_messages() {
    let lua = lua();
    let error = assert_kind(lua.load("error('boom')").name("app.lua").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "app.lua:1: boom");
    assert!(error.traceback.contains("stack traceback:") && error.traceback.contains("app.lua:1"), "{}", error.traceback);
    let error = assert_kind(lua.load("\n\nerror('line 3')").name("app.lua").eval::<()>(), ErrorKind::Runtime);
    assert_eq!(error.message, "app.lua:3: line 3");
    let error = assert_kind(lua.load("error('boom')").eval::<()>(), ErrorKind::Runtime);
    assert_eq!(error.message, "[string \"error('boom')\"]:1: boom", "without a name, the source");
    let error = assert_kind(lua.load("local t = nil return t.x").name("=weird").exec(), ErrorKind::Runtime);
    assert!(error.message.starts_with("=weird:1:"), "shown as given: {}", error.message);
    let error = assert_kind(lua.load("error('boom')").name("f.lua").into_function().unwrap().call::<_, ()>(()), ErrorKind::Runtime);
    assert_eq!(error.message, "f.lua:1: boom");
}

#[test]
fn syntax_errors_and_binary_chunks() {
    let lua = lua();
    let error = assert_kind(lua.load("return 1 +").name("bad.lua").exec(), ErrorKind::Syntax);
    assert_eq!(error.message, "bad.lua:1: unexpected symbol near <eof>");
    assert!(error.traceback.is_empty(), "{}", error.traceback);
    let error = assert_kind(lua.load("x = = 1").name("bad.lua").eval::<()>(), ErrorKind::Syntax);
    assert_eq!(error.message, "bad.lua:1: unexpected symbol near '='", "the block's error, not the expression's");
    assert!(error.traceback.is_empty());
    assert_kind(lua.load("for").into_function(), ErrorKind::Syntax);
    assert_kind(lua.load("(").call::<_, ()>(1), ErrorKind::Syntax);

    let dumped: Vec<u8> = lua.load("string.dump(function() return 1 end)").eval().unwrap();
    assert_eq!(dumped[0], 0x1b);
    let error = assert_kind(lua.load(dumped.clone()).exec(), ErrorKind::Syntax);
    assert!(error.message.contains("attempt to load a binary chunk"), "{}", error.message);
    assert_kind(lua.load(dumped.as_slice()).eval::<i64>(), ErrorKind::Syntax);
    assert_kind(lua.load(dumped.as_slice()).into_function(), ErrorKind::Syntax);
    assert_kind(lua.load(b"\x1bLua".as_slice()).call::<_, ()>(()), ErrorKind::Syntax);
    assert_usable(&lua);
}

#[test]
fn chunks_take_arguments_and_become_functions() {
    let lua = lua();
    let (sum, count): (i64, i64) = lua.load("local a, b = ... return a + b, select('#', ...)").call((2, 3)).unwrap();
    assert_eq!((sum, count), (5, 2));
    let echoed: Vec<u8> = lua.load("return ...").call(b"\0\xff".as_slice()).unwrap();
    assert_eq!(echoed, b"\0\xff");
    assert_eq!(lua.load("return select('#', ...)").call::<_, i64>(()).unwrap(), 0);

    let counter = lua.load("n = (n or 0) + 1 return n, ...").name("counter.lua").into_function().unwrap();
    assert_eq!(counter.call::<_, i64>(()).unwrap(), 1);
    assert_eq!(counter.call::<_, (i64, String)>("arg").unwrap(), (2, "arg".to_string()));
    let again = counter.clone();
    assert_eq!(again.call::<_, i64>(()).unwrap(), 3);
    lua.globals().set("counter", counter).unwrap();
    check(&lua, "counter() == 4");
}

#[test]
fn modules_return_values() {
    let lua = lua();
    lua.register_module("shapes", "local M = {} function M.area(w, h) return w * h end return M").unwrap();
    let shapes: Table = lua.load("require('shapes')").eval().unwrap();
    let area: Function = shapes.get("area").unwrap();
    assert_eq!(area.call::<_, i64>((3, 4)).unwrap(), 12);
    assert_eq!(assert_kind(lua.register_module("broken", "return +"), ErrorKind::Syntax).traceback, "");
}

// ---- errors ----

#[test]
fn error_objects_are_kept() {
    let lua = lua();
    let error = assert_kind(lua.load("error({code = 7})").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "(error object is a table value)");
    let Some(Value::Table(object)) = &error.value else { panic!("{error:?}") };
    assert_eq!(object.get::<_, i64>("code").unwrap(), 7);

    let error = assert_kind(lua.load("error(setmetatable({}, {__tostring = function() return 'custom' end}))").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "custom");
    assert!(matches!(error.value, Some(Value::Table(_))));
    let error = assert_kind(lua.load("error(setmetatable({}, {__tostring = function() error('again') end}))").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "(error object is a table value)");
    let error = assert_kind(lua.load("error(42)").exec(), ErrorKind::Runtime);
    assert_eq!((error.message.as_str(), error.value), ("42", Some(Value::Integer(42))));
    let error = assert_kind(lua.load("error(1.5)").exec(), ErrorKind::Runtime);
    assert_eq!((error.message.as_str(), error.value), ("1.5", Some(Value::Number(1.5))));
    let error = assert_kind(lua.load("error('plain', 0)").exec(), ErrorKind::Runtime);
    assert_eq!(error.message, "plain");
    assert!(matches!(&error.value, Some(Value::String(s)) if s.to_bytes() == b"plain"));
    let error = assert_kind(lua.load("error()").exec(), ErrorKind::Runtime);
    if cfg!(feature = "lua55") {
        // Lua 5.5 raises a nil error object as the string "<no error object>".
        assert_eq!(error.message, "<no error object>");
        assert!(matches!(&error.value, Some(Value::String(s)) if s.to_bytes() == b"<no error object>"));
    } else {
        assert_eq!(error.message, "(error object is a nil value)");
        assert!(matches!(error.value, None | Some(Value::Nil)));
    }
    assert_eq!(assert_kind(lua.load("error(true)").exec(), ErrorKind::Runtime).message, "(error object is a boolean value)");
    assert_eq!(assert_kind(lua.load("error(print)").exec(), ErrorKind::Runtime).message, "(error object is a function value)");
    let error = assert_kind(lua.load("error('\\255 bytes', 0)").exec(), ErrorKind::Runtime);
    assert!(matches!(&error.value, Some(Value::String(s)) if s.to_bytes() == b"\xff bytes"), "the value keeps the exact bytes");
    assert_eq!(error.to_string(), error.message);

    // The same through a function call, and a table raised by a Rust function's Lua callee.
    let raise: Function = eval(&lua, "function(t) error(t) end").unwrap();
    let payload = lua.create_table_from([("reason", "bad")]).unwrap();
    let error = assert_kind(raise.call::<_, ()>(&payload), ErrorKind::Runtime);
    assert_eq!(error.value, Some(Value::Table(payload.clone())), "the very table");
    let rethrow = lua.create_function(|_, f: Function| f.call::<_, ()>(())).unwrap();
    lua.globals().set("rethrow", rethrow).unwrap();
    let error = assert_kind(lua.load("rethrow(function() error({reason = 'deep'}) end)").exec(), ErrorKind::Runtime);
    let Some(Value::Table(object)) = &error.value else { panic!("{error:?}") };
    assert_eq!(object.get::<_, String>("reason").unwrap(), "deep");
    assert_usable(&lua);
}

// ---- limits ----

#[test]
fn instruction_limit_stops_functions_called_from_rust() {
    let lua = Lua::new(Options { instruction_limit: 100_000, ..Options::default() }).unwrap();
    let spin: Function = lua.load("function() while true do end end").eval().unwrap();
    let error = assert_kind(spin.call::<_, ()>(()), ErrorKind::InstructionLimit);
    assert!(error.message.contains("instruction limit of 100000 exceeded"), "{}", error.message);
    let guarded: Function = lua.load("function() while true do pcall(function() while true do end end) end end").eval().unwrap();
    assert_kind(guarded.call::<_, ()>(()), ErrorKind::InstructionLimit);
    assert_kind(lua.load("while true do end").into_function().unwrap().call::<_, ()>(()), ErrorKind::InstructionLimit);
    assert_kind(eval::<Table>(&lua, "setmetatable({}, {__index = function() while true do end end})").unwrap().get::<_, Value>(1), ErrorKind::InstructionLimit);
    let sum: Function = lua.load("function(n) local s = 0 for i = 1, n do s = s + i end return s end").eval().unwrap();
    assert_eq!(sum.call::<_, i64>(1000).unwrap(), 500500, "each call gets the whole budget");
    assert_eq!(sum.call::<_, i64>(1000).unwrap(), 500500);
    lua.set_instruction_limit(0).unwrap();
    assert_eq!(sum.call::<_, i64>(200_000).unwrap(), 20_000_100_000, "no limit");
    lua.set_instruction_limit(1000).unwrap();
    assert_kind(sum.call::<_, i64>(10_000), ErrorKind::InstructionLimit);
    assert_kind(lua.set_instruction_limit(u32::MAX), ErrorKind::Conversion);
}

#[test]
fn instruction_limit_stops_lua_run_from_a_rust_function() {
    let lua = Lua::new(Options { instruction_limit: 100_000, ..Options::default() }).unwrap();
    let run = lua.create_function(|lua, code: String| lua.load(code).exec()).unwrap();
    let swallow = lua.create_function(|lua, code: String| Ok(lua.load(code).exec().is_err())).unwrap();
    lua.globals().set("run", run.clone()).unwrap();
    lua.globals().set("swallow", swallow).unwrap();
    assert_kind(lua.load("run('while true do end')").exec(), ErrorKind::InstructionLimit);
    assert_kind(run.call::<_, ()>("while true do end"), ErrorKind::InstructionLimit);
    assert_kind(lua.load("coroutine.wrap(function() run('while true do end') end)()").exec(), ErrorKind::InstructionLimit);
    // A Rust function that swallows the error does not restore the budget.
    assert_kind(lua.load("swallow('while true do end') local x = 0 for i = 1, 10 do x = x + 1 end").exec(), ErrorKind::InstructionLimit);
    assert_kind(lua.load("while true do swallow('while true do end') end").exec(), ErrorKind::InstructionLimit);
    // Re-entry shares the budget of the outermost call.
    assert_kind(lua.load("for i = 1, 10 do run('for i = 1, 30000 do end') end").exec(), ErrorKind::InstructionLimit);
    lua.load("for i = 1, 2 do run('for i = 1, 30000 do end') end").exec().expect("within the budget");
    assert_usable(&lua);
}

#[test]
fn memory_limit_while_converting_values() {
    let lua = Lua::new(Options { memory_limit: 1 << 20, ..Options::default() }).unwrap();
    lua.collect_garbage().unwrap();
    let before = lua.memory_stats().alloc.live_bytes;
    let big: Vec<String> = (0..20_000).map(|i| format!("{i:0>120}")).collect();
    let error = assert_kind(lua.globals().set("big", big.clone()), ErrorKind::Memory);
    assert_eq!(error.message, "not enough memory");
    assert_eq!(lua.globals().get::<_, Value>("big").unwrap(), Value::Nil);
    let call: Function = eval(&lua, "function(t) return #t end").unwrap();
    assert_kind(call.call::<_, i64>(big.clone()), ErrorKind::Memory);
    let keys: HashMap<String, i64> = big.iter().cloned().zip(0..).collect();
    assert_kind(lua.create_table_from(keys), ErrorKind::Memory);
    let identity = lua.create_function(|_, n: usize| Ok((0..n).map(|i| format!("{i:0>120}")).collect::<Vec<String>>())).unwrap();
    assert_kind(identity.call::<_, Vec<String>>(20_000), ErrorKind::Memory);
    lua.globals().set("identity", identity).unwrap();
    check(&lua, "not pcall(identity, 20000)");
    // The state is usable and every partial conversion was released.
    assert_eq!(lua.load("return 1 + 1").eval::<i64>().unwrap(), 2);
    let small: Vec<String> = big[..100].to_vec();
    assert_eq!(through_global::<_, Vec<String>>(&lua, small.clone()).unwrap(), small);
    lua.globals().set("x", Value::Nil).unwrap();
    drop(call);
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    let after = lua.memory_stats().alloc.live_bytes;
    assert!(after <= before + 16 * 1024, "live bytes {before} -> {after}");
    assert!(lua.memory_stats().alloc.peak_bytes <= 1 << 20);
    assert_usable(&lua);
}

/// Lua code that catches a Rust function's errors in a loop runs in bounded memory, as it does
/// with `pcall(error, ...)`.
#[test]
fn catching_rust_errors_in_a_loop() {
    let lua = Lua::new(Options { memory_limit: 1 << 20, ..Options::default() }).unwrap();
    let fail = lua.create_function(|_, message: String| -> Result<()> { Err(LuaError::runtime(message)) }).unwrap();
    lua.globals().set("fail", fail).unwrap();
    let caught = "for i = 1, 100000 do local ok, e = pcall(FAIL, 'failure number ' .. i) assert(not ok and e == 'failure number ' .. i, e) end";
    lua.load(caught.replace("FAIL", "error")).exec().expect("Lua errors");
    lua.load(caught.replace("FAIL", "fail")).exec().expect("Rust errors, the same");
    assert_usable(&lua);
}

/// A memory error that happens after a Rust function's error was caught is still a memory error.
#[test]
fn memory_errors_are_not_mistaken_for_rust_errors() {
    let lua = Lua::new(Options { memory_limit: 1 << 20, ..Options::default() }).unwrap();
    let fail = lua.create_function(|_, message: String| -> Result<()> { Err(LuaError::runtime(message)) }).unwrap();
    lua.globals().set("fail", fail).unwrap();
    let chunk = lua.load("local message = ... pcall(fail, message) local t = {} for i = 1, 1e6 do t[i] = i end").into_function().unwrap();
    let message = "a message long enough to need memory of its own when it is pushed".repeat(4);
    for headroom in (0..4096).step_by(8) {
        lua.collect_garbage().unwrap();
        lua.set_memory_limit(lua.memory_stats().alloc.live_bytes + headroom);
        let error = chunk.call::<_, ()>(message.as_str()).unwrap_err();
        assert_eq!((error.kind, error.message.as_str()), (ErrorKind::Memory, "not enough memory"), "{headroom} bytes to spare");
        lua.set_memory_limit(0);
    }
}

// ---- handles ----

/// Each handle takes a registry slot: holding many near the memory limit is a memory error.
#[test]
fn handles_up_to_the_memory_limit() {
    let lua = Lua::new(Options { memory_limit: 800 << 10, ..Options::default() }).unwrap();
    lua.load("fill = {} pcall(function() for i = 1, 1e6 do fill[i] = {} end end)").exec().unwrap();
    // Headroom for a few handles, not for one per table (5.5 fits more tables in the same bytes).
    lua.set_memory_limit(lua.memory_stats().alloc.live_bytes + (64 << 10));
    let fill: Table = lua.globals().get("fill").unwrap();
    assert_kind(fill.sequence_values::<Table>().collect::<Result<Vec<_>>>(), ErrorKind::Memory);
    assert_kind(lua.load("fill").eval::<Vec<Table>>(), ErrorKind::Memory);
    lua.globals().set("fill", Value::Nil).unwrap();
    drop(fill);
    assert_usable(&lua);
}

#[test]
fn handles_after_their_state_closed() {
    let lua = lua();
    let table = lua.create_table_from([("a", 1)]).unwrap();
    let function: Function = eval(&lua, "function() return 1 end").unwrap();
    let callback = lua.create_function(|_, ()| Ok(1)).unwrap();
    let string = lua.create_string("text").unwrap();
    let value: Value = eval(&lua, "{}").unwrap();
    let globals = lua.globals();
    drop(lua);
    assert_kind(table.get::<_, i64>("a"), ErrorKind::Closed);
    assert_kind(table.get::<_, i64>(1), ErrorKind::Closed);
    assert_kind(table.set(1, 2), ErrorKind::Closed);
    assert_kind(table.raw_get::<_, i64>(1), ErrorKind::Closed);
    assert_kind(table.raw_set(1, 2), ErrorKind::Closed);
    assert_kind(table.len(), ErrorKind::Closed);
    assert_kind(table.raw_len(), ErrorKind::Closed);
    assert_kind(table.pairs::<Value, Value>().next().expect("one error"), ErrorKind::Closed);
    assert_kind(table.sequence_values::<Value>().next().expect("one error"), ErrorKind::Closed);
    assert_kind(function.call::<_, i64>(()), ErrorKind::Closed);
    assert_kind(callback.call::<_, i64>(()), ErrorKind::Closed);
    assert_kind(globals.get::<_, Value>("print"), ErrorKind::Closed);
    assert_kind(string.to_str(), ErrorKind::Closed);
    let other = Lua::new(Options::default()).unwrap();
    assert_kind(String::from_lua(Value::String(string.clone()), &other), ErrorKind::Closed);
    assert_kind(Vec::<u8>::from_lua(Value::String(string.clone()), &other), ErrorKind::Closed);
    assert_kind(i64::from_lua(Value::String(string.clone()), &other), ErrorKind::Closed);
    assert_eq!(string.to_bytes(), b"", "documented: empty once closed");
    let Value::Table(table) = value else { unreachable!() };
    assert_kind(table.get::<_, Value>(1), ErrorKind::Closed);
    drop((function, callback, string, globals, table));
}

#[test]
fn the_globals_table_is_one_table() {
    let lua = lua();
    assert_eq!(lua.globals(), lua.globals());
    assert_eq!(lua.globals(), eval::<Table>(&lua, "_G").unwrap());
    assert_eq!(Value::Table(lua.globals()), eval::<Value>(&lua, "_G").unwrap());
}

/// A closure may own the `Lua` it belongs to (here through an `Rc` cycle) and drop it while it
/// runs: the state must not be closed under the running call.
#[test]
fn dropping_the_state_inside_its_own_callback() {
    let holder = Rc::new(RefCell::new(Some(lua())));
    let inner = holder.clone();
    let token = Rc::new(());
    let held = token.clone();
    let f = holder
        .borrow()
        .as_ref()
        .unwrap()
        .create_function(move |_, ()| {
            let _held = &held;
            drop(inner.borrow_mut().take());
            Ok(1)
        })
        .unwrap();
    let _ = f.call::<_, i64>(()); // Ok or an error, but it returns.
    assert!(holder.borrow().is_none());
    assert_kind(f.call::<_, i64>(()), ErrorKind::Closed);
    drop(f);
    assert_eq!(Rc::strong_count(&token), 1, "closed (and the closure dropped) once the call returned");
}

#[test]
fn handles_of_one_state_are_refused_by_another() {
    let first = lua();
    let second = lua();
    let table = first.create_table().unwrap();
    let string = first.create_string("key").unwrap();
    let function: Function = first.load("function(...) return select('#', ...) end").eval().unwrap();
    assert_kind(second.globals().set("t", &table), ErrorKind::Closed);
    assert_kind(second.globals().set(&string, 1), ErrorKind::Closed);
    assert_kind(second.globals().get::<_, Value>(&string), ErrorKind::Closed);
    assert_kind(second.create_sequence_from([table.clone()]), ErrorKind::Closed);
    assert_kind(function.call::<_, i64>(second.create_table().unwrap()), ErrorKind::Closed);
    let leak = second.create_function(move |_, ()| Ok(table.clone())).unwrap();
    second.globals().set("leak", leak).unwrap();
    check(&second, "not pcall(leak)");
    assert_eq!(function.call::<_, i64>((1, 2)).unwrap(), 2, "fine with its own state");
    assert_usable(&first);
    assert_usable(&second);
}

#[test]
fn dropped_handles_release_their_registry_slots() {
    let lua = lua();
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    let before = lua.memory_stats().alloc.live_bytes;
    let globals = lua.globals();
    globals.set("shared", lua.create_table().unwrap()).unwrap();
    for i in 0..100_000 {
        drop(lua.create_table().unwrap());
        drop(lua.create_string(format!("string number {i}")).unwrap());
        drop(lua.create_function(move |_, ()| Ok(i)).unwrap());
        drop(globals.get::<_, Value>("shared").unwrap());
    }
    // Held for a while, dropped together.
    for round in 0..10 {
        let held: Vec<Value> = (0..1000)
            .map(|i| match i % 3 {
                0 => Value::Table(lua.create_table().unwrap()),
                1 => Value::String(lua.create_string(format!("{round}:{i}")).unwrap()),
                _ => Value::Function(lua.create_function(|_, ()| Ok(())).unwrap()),
            })
            .collect();
        drop(held);
    }
    globals.set("shared", Value::Nil).unwrap();
    drop(globals);
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    let after = lua.memory_stats().alloc.live_bytes;
    assert!(after <= before + 64 * 1024, "live bytes {before} -> {after}");
}

// ---- output ----

#[test]
fn output_bytes_are_exact() {
    let lua = lua();
    lua.load("print('\\255\\0\\200')").exec().unwrap();
    assert_eq!(lua.take_output_bytes(), b"\xff\x00\xc8\n");
    assert!(lua.take_output_bytes().is_empty());
    lua.load("print('\\255', 1.5, nil)").exec().unwrap();
    assert_eq!(lua.take_output(), "\u{fffd}\t1.5\tnil\n", "take_output is the lossy view");
    // Output of Lua run from a Rust function lands in the same buffer.
    let say = lua.create_function(|lua, ()| lua.load("print('\\200 from inside')").exec()).unwrap();
    lua.globals().set("say", say.clone()).unwrap();
    lua.load("print('before') say() print('after')").exec().unwrap();
    assert_eq!(lua.take_output_bytes(), b"before\n\xc8 from inside\nafter\n");
    say.call::<_, ()>(()).unwrap();
    assert_eq!(lua.take_output_bytes(), b"\xc8 from inside\n");
    #[cfg(target_arch = "wasm32")]
    {
        lua.load("io.write('\\255\\0\\200') io.stdout:write('\\1')").exec().unwrap();
        assert_eq!(lua.take_output_bytes(), b"\xff\x00\xc8\x01");
    }
}

#[test]
fn functions_in_finalizers_and_across_states() {
    let lua = trusted_lua();
    let finalized = Rc::new(Cell::new(0));
    let count = finalized.clone();
    let on_gc = lua
        .create_function(move |lua, _: Table| {
            // Touches the state from inside a finalizer.
            lua.create_table()?.set("x", 1)?;
            count.set(count.get() + 1);
            Ok(())
        })
        .unwrap();
    lua.globals().set("on_gc", on_gc).unwrap();
    lua.load("for i = 1, 10 do setmetatable({}, {__gc = on_gc}) end").exec().unwrap();
    lua.collect_garbage().unwrap();
    assert_eq!(finalized.get(), 10);
    lua.load("setmetatable({}, {__gc = on_gc})").exec().unwrap();

    // A Rust function of one state calls into another.
    let other = self::lua();
    let double: Function = other.load("function(x) print('other', x) return x * 2 end").eval().unwrap();
    let bridge = lua.create_function(move |_, x: i64| double.call::<_, i64>(x)).unwrap();
    lua.globals().set("bridge", bridge).unwrap();
    lua.load("print('here') print(bridge(21))").exec().unwrap();
    assert_eq!(lua.take_output(), "here\n42\n");
    assert_eq!(other.take_output(), "other\t21\n", "each state's output stays its own");

    // Closures holding handles of their own state are dropped cleanly when it closes (finalizers
    // included: the pending `__gc = on_gc` runs during the close).
    let table = lua.create_table_from([("k", 1)]).unwrap();
    let keeper = lua.create_function(move |_, ()| table.get::<_, i64>("k")).unwrap();
    lua.globals().set("keeper", keeper.clone()).unwrap();
    check(&lua, "keeper() == 1");
    drop(lua);
    assert_eq!(finalized.get(), 11);
    assert_eq!(Rc::strong_count(&finalized), 1);
    assert_kind(keeper.call::<_, i64>(()), ErrorKind::Closed);
    drop(other);
}

#[test]
fn too_many_values_for_the_lua_stack() {
    let lua = lua();
    let many = lua.create_function(|_, n: usize| Ok(Variadic(vec![0u16; n]))).unwrap();
    lua.globals().set("many", many.clone()).unwrap();
    check(&lua, "select('#', many(100000)) == 100000");
    let message: String = eval(&lua, "select(2, pcall(many, 1100000))").unwrap();
    assert!(message.contains("stack overflow"), "{message}");
    assert_kind(many.call::<_, MultiValue>(1_100_000usize), ErrorKind::Memory);
    let count: Function = eval(&lua, "function(...) return select('#', ...) end").unwrap();
    assert_kind(count.call::<_, i64>(Variadic(vec![true; 1_100_000])), ErrorKind::Memory);
    assert_eq!(count.call::<_, i64>(Variadic(vec![true; 1000])).unwrap(), 1000);
    assert_usable(&lua);
}

type Operation = dyn Fn(&Lua) -> Result<()>;

/// Every operation that allocates, run with the memory limit just above the live size at many
/// offsets: each fails with a memory error or succeeds, nothing leaks, the state stays usable.
#[test]
fn allocation_failures_at_every_step() {
    let lua = lua();
    let token = Rc::new(());
    let echo: Function = eval(&lua, "function(...) return ... end").unwrap();
    let table = lua.create_table().unwrap();
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    let before = lua.memory_stats().alloc.live_bytes;
    let operations: Vec<(&str, Box<Operation>)> = vec![
        ("create_function", {
            let token = token.clone();
            Box::new(move |lua: &Lua| {
                let token = token.clone();
                lua.create_function(move |_, ()| Ok(Rc::strong_count(&token))).map(drop)
            })
        }),
        ("create_table_from", Box::new(|lua: &Lua| lua.create_table_from((0..20).map(|i| (format!("key {i}"), i))).map(drop))),
        ("create_string", Box::new(|lua: &Lua| lua.create_string("a string long enough not to be interned by Lua").map(drop))),
        ("Vec<String> into Lua", Box::new(|lua: &Lua| vec!["x".repeat(50); 10].into_lua(lua).map(drop))),
        ("Table::set", {
            let table = table.clone();
            Box::new(move |_: &Lua| table.set("a fresh key for the table".to_string(), vec![1, 2, 3]))
        }),
        ("Function::call", {
            let echo = echo.clone();
            Box::new(move |_: &Lua| echo.call::<_, (String, Vec<i64>)>(("y".repeat(60), vec![1i64; 20])).map(drop))
        }),
        ("eval", Box::new(|lua: &Lua| lua.load("local t = {} for i = 1, 10 do t[i] = ('z'):rep(50) .. i end return t").eval::<Vec<String>>().map(drop))),
    ];
    for (name, operation) in &operations {
        let mut failures = 0;
        let mut successes = 0;
        for headroom in (0..6000).step_by(24) {
            lua.collect_garbage().unwrap();
            lua.set_memory_limit(lua.memory_stats().alloc.live_bytes + headroom);
            match operation(&lua) {
                Ok(()) => successes += 1,
                Err(error) => {
                    assert_eq!(error.kind, ErrorKind::Memory, "{name} with {headroom} bytes to spare: {error:?}");
                    failures += 1;
                }
            }
            lua.set_memory_limit(0);
            table.set("a fresh key for the table", Value::Nil).unwrap();
        }
        assert!(failures > 0 && successes > 0, "{name}: {failures} failures, {successes} successes");
        assert_usable(&lua);
    }
    drop(operations);
    lua.collect_garbage().unwrap();
    lua.collect_garbage().unwrap();
    assert_eq!(Rc::strong_count(&token), 1, "every closure was dropped, created or not");
    let after = lua.memory_stats().alloc.live_bytes;
    assert!(after <= before + 16 * 1024, "live bytes {before} -> {after}");
}
