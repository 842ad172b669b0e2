//! The safe `Lua` type: results, errors, output, limits. Runs natively and on wasm32.

use lua_wasm::{ErrorKind, Lua, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn lua() -> Lua {
    Lua::new(Options::default()).expect("state opens")
}

#[test]
fn returns_results_through_tostring() {
    let lua = lua();
    assert_eq!(lua.exec("return 1+1", None).unwrap(), "2");
    assert_eq!(lua.exec("return 1, 'two', nil, 2.5, true", None).unwrap(), "1\ttwo\tnil\t2.5\ttrue");
    assert_eq!(lua.exec("x = 1", None).unwrap(), "");
    assert_eq!(lua.exec("return x", None).unwrap(), "1", "globals persist between calls");
}

#[test]
fn pcall_catches_errors() {
    let lua = lua();
    assert_eq!(lua.exec("return pcall(error, 'x')", None).unwrap(), "false\tx");
}

#[test]
fn uncaught_error_comes_back_with_lua_message_and_traceback() {
    let lua = lua();
    let error = lua.exec("error('boom')", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Runtime);
    assert_eq!(error.message, "[string \"error('boom')\"]:1: boom");
    assert!(error.traceback.starts_with("[string \"error('boom')\"]:1: boom\nstack traceback:"), "{}", error.traceback);
    let named = lua.exec("\n\nerror('deep')", Some("main.lua")).unwrap_err();
    assert_eq!(named.message, "main.lua:3: deep");
    assert_eq!(lua.exec("return 'still usable'", None).unwrap(), "still usable");
}

#[test]
fn error_objects_that_are_not_strings() {
    let lua = lua();
    assert_eq!(lua.exec("error(42)", None).unwrap_err().message, "42");
    assert_eq!(lua.exec("error({})", None).unwrap_err().message, "(error object is a table value)", "as lua.c shows it");
    let custom = lua.exec("error(setmetatable({}, {__tostring = function() return 'custom' end}))", None);
    assert_eq!(custom.unwrap_err().message, "custom");
    let failing = lua.exec("error(setmetatable({}, {__tostring = function() error('again') end}))", None);
    assert_eq!(failing.unwrap_err().message, "(error object is a table value)");
    // Lua 5.5 raises a nil error object as the string "<no error object>".
    let nil_message = if cfg!(feature = "lua55") { "<no error object>" } else { "(error object is a nil value)" };
    assert_eq!(lua.exec("error()", None).unwrap_err().message, nil_message);
}

#[test]
fn syntax_errors_and_binary_chunks() {
    let lua = lua();
    let error = lua.exec("return 1 +", Some("bad")).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!(error.message, "bad:1: unexpected symbol near <eof>");
    let binary = lua.exec("\x1bLua", Some("bin")).unwrap_err();
    assert_eq!(binary.kind, ErrorKind::Syntax);
    assert!(binary.message.contains("attempt to load a binary chunk"), "{}", binary.message);
}

#[test]
fn print_goes_to_the_output_buffer() {
    let lua = lua();
    lua.exec("print('a', 1, nil) print(2.5)", None).unwrap();
    assert_eq!(lua.take_output(), "a\t1\tnil\n2.5\n");
    assert_eq!(lua.take_output(), "");
}

#[test]
fn deep_recursion_is_a_lua_error() {
    let lua = lua();
    // Frames of 190 registers overflow the Lua stack after ~5000 calls. (A million tiny frames
    // reach the same limit, but the buddy backend needs minutes to free their CallInfos: its
    // free scans a linked list per size class.)
    let big_frames = format!("local function f(n) local {}x = n return 1 + f(n + 1) end return f(1)", "x, ".repeat(189));
    let error = lua.exec(&big_frames, None).unwrap_err();
    assert!(error.message.contains("stack overflow"), "{}", error.message);
    let c_stack = lua.exec("local function f() return tostring(setmetatable({}, {__tostring = f})) end return f()", None);
    assert!(c_stack.unwrap_err().message.contains("stack overflow"));
    let nested = format!("return {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let error = lua.exec(&nested, None).unwrap_err();
    assert!(error.message.contains("overflow"), "{}", error.message);
    assert_eq!(lua.exec("return 'ok'", None).unwrap(), "ok");
}

#[test]
fn memory_limit_gives_not_enough_memory_and_the_state_survives() {
    let lua = Lua::new(Options { memory_limit: 512 * 1024, ..Options::default() }).unwrap();
    let error = lua.exec("local t = {} for i = 1, 1e6 do t[i] = i end", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Memory);
    assert_eq!(error.message, "not enough memory");
    let stats = lua.memory_stats();
    assert!(stats.alloc.peak_bytes <= 512 * 1024, "peak {} over the limit", stats.alloc.peak_bytes);
    assert!(stats.alloc.failed > 0);
    assert_eq!(lua.exec("return 1 + 1", None).unwrap(), "2");
    lua.set_memory_limit(0);
    lua.exec("local t = {} for i = 1, 1e5 do t[i] = i end", None).expect("succeeds without a limit");
}

#[test]
fn instruction_limit_stops_runaway_loops() {
    let lua = Lua::new(Options { instruction_limit: 100_000, ..Options::default() }).unwrap();
    let error = lua.exec("while true do end", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InstructionLimit);
    assert!(error.message.contains("instruction limit of 100000 exceeded"), "{}", error.message);
    let caught = lua.exec("while true do pcall(function() while true do end end) end", None).unwrap_err();
    assert_eq!(caught.kind, ErrorKind::InstructionLimit, "pcall cannot swallow the limit");
    assert_eq!(lua.exec("local s = 0 for i = 1, 1000 do s = s + i end return s", None).unwrap(), "500500");
}

#[test]
fn modules_load_through_require() {
    let lua = lua();
    lua.register_module("greet", "local M = {} function M.hi(n) return 'hi ' .. n end return M").unwrap();
    assert_eq!(lua.exec("return require('greet').hi('lua')", None).unwrap(), "hi lua");
    assert_eq!(lua.exec("return require('greet') == require('greet')", None).unwrap(), "true");
    let broken = lua.register_module("broken", "return +").unwrap_err();
    assert_eq!(broken.kind, ErrorKind::Syntax, "compiled when registered");
    assert!(broken.message.contains("broken:1:"), "{}", broken.message);
    assert!(lua.exec("require('broken')", None).unwrap_err().message.contains("module 'broken' not found"));
}

#[test]
fn os_exit_ends_the_call_instead_of_the_program() {
    let lua = lua();
    let error = lua.exec("os.exit(1)", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Exit { code: 1 });
    assert!(error.message.ends_with("os.exit(1)"), "{}", error.message);
}

#[test]
fn close_reports_zero_live_bytes() {
    let lua = lua();
    lua.exec("local t = {} for i = 1, 1000 do t[i] = {i, tostring(i)} end", None).unwrap();
    let stats = lua.memory_stats();
    assert!(stats.alloc.live_bytes > 0);
    let after = lua.close();
    assert_eq!(after.live_bytes, 0, "every block was freed");
    assert_eq!(after.allocations, after.frees, "every allocation has its free");
}

#[test]
fn error_from_a_rust_function() {
    let lua = lua();
    let fail = lua.create_function(|_, n: i64| -> lua_wasm::Result<()> { Err(lua_wasm::LuaError::runtime(format!("raised from Rust: {n}"))) }).unwrap();
    lua.globals().set("fail", fail).unwrap();
    assert_eq!(lua.exec("return pcall(fail, 7)", None).unwrap(), "false\traised from Rust: 7");
    let error = lua.exec("fail(7)", Some("caller")).unwrap_err();
    assert_eq!(error.message, "raised from Rust: 7");
    assert_eq!(error.kind, ErrorKind::Runtime);
    assert!(error.traceback.contains("caller:1"), "{}", error.traceback);
}
