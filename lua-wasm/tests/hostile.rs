//! Hostile inputs: each ends in a clear `LuaError` or the correct result, never a trap, abort or
//! hang, and the state is usable afterwards (`usable` runs a follow-up chunk). Sizes are modest
//! and memory limits make "huge" mean "hits the limit", so each case is fast in debug builds on
//! every backend. Runs natively and on wasm32.

use lua_wasm::{ErrorKind, Lua, LuaError, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const MEMORY: usize = 2 << 20;
const INSTRUCTIONS: u32 = 1_000_000;

fn limited() -> Lua {
    Lua::new(Options { memory_limit: MEMORY, instruction_limit: INSTRUCTIONS, ..Options::default() }).expect("state opens")
}

/// As `limited`, with `__gc` allowed (finalizers run outside the limits).
fn trusted() -> Lua {
    Lua::new(Options { memory_limit: MEMORY, instruction_limit: INSTRUCTIONS, trusted: true, ..Options::default() }).expect("state opens")
}

fn err(lua: &Lua, code: &str) -> LuaError {
    match lua.exec(code, Some("hostile")) {
        Ok(result) => panic!("expected an error from {code:?}, got {result:?}"),
        Err(error) => error,
    }
}

fn ok(lua: &Lua, code: &str) -> String {
    lua.exec(code, Some("hostile")).unwrap_or_else(|e| panic!("{code:?}: {e}\n{}", e.traceback))
}

/// The state still runs code, allocates and collects after the hostile input.
fn usable(lua: &Lua) {
    let result = lua.exec("local t = {} for i = 1, 100 do t[i] = tostring(i) end collectgarbage() return #t, t[100]", None);
    assert_eq!(result.unwrap(), "100\t100");
}

fn assert_contains(error: &LuaError, needle: &str) {
    assert!(error.message.contains(needle), "expected {needle:?} in {:?}: {}", error.kind, error.message);
}

#[test]
fn deep_recursion() {
    let lua = limited();
    // Big frames reach the Lua stack limit in a few thousand calls (see basics.rs for why).
    let lua_stack = format!("local function f(n) local {}x = n return 1 + f(n + 1) end return f(1)", "x, ".repeat(189));
    let error = err(&lua, &lua_stack);
    assert!(matches!(error.kind, ErrorKind::Runtime | ErrorKind::Memory), "{error:?}");
    assert!(error.message.contains("stack overflow") || error.kind == ErrorKind::Memory, "{error}");
    usable(&lua);
    let c_stack = err(&lua, "local function f() return tostring(setmetatable({}, {__tostring = f})) end return f()");
    assert_contains(&c_stack, "stack overflow");
    let metamethods = err(&lua, "local t = setmetatable({}, {}) getmetatable(t).__index = function(s, k) return s[k] end return t.x");
    assert_contains(&metamethods, "stack overflow");
    let index_chain = err(&lua, "local t = {} for i = 1, 3000 do t = setmetatable({}, {__index = t}) end return t.x");
    assert_contains(&index_chain, "'__index' chain too long");
    let coroutines = err(&lua, "local function nest(n) return coroutine.wrap(function() return nest(n + 1)() end) end return nest(1)()");
    assert_contains(&coroutines, "stack overflow");
    usable(&lua);
}

#[test]
fn deeply_nested_source() {
    let lua = limited();
    for (open, close) in [("(", ")"), ("{", "}"), ("- ", ""), ("not ", ""), ("f(", ")"), ("{x=", "}")] {
        let source = format!("return {}1{}", open.repeat(5_000), close.repeat(5_000));
        let error = err(&lua, &source);
        assert_eq!(error.kind, ErrorKind::Syntax, "{open}: {error}");
        assert!(error.message.contains("overflow") || error.message.contains("too many"), "{open}: {error}");
    }
    let concat = format!("return {}'a'", "'a' .. ".repeat(5_000));
    assert_contains(&err(&lua, &concat), "overflow");
    let blocks = format!("{}{}", "do ".repeat(5_000), "end ".repeat(5_000));
    assert_contains(&err(&lua, &blocks), "overflow");
    let functions = format!("return {}1{}", "function() return ".repeat(1_000), " end".repeat(1_000));
    assert_contains(&err(&lua, &functions), "overflow");
    let locals = format!("local {}x = 1", "x, ".repeat(250));
    assert_contains(&err(&lua, &locals), "too many local variables");
    // Within the limits, nesting works.
    assert_eq!(ok(&lua, &format!("return {}1{}", "(".repeat(100), ")".repeat(100))), "1");
    assert_eq!(ok(&lua, &format!("return #{}{}", "{".repeat(100), "}".repeat(100))), "1");
    usable(&lua);
}

#[test]
fn long_concatenation_hits_the_memory_limit() {
    let lua = limited();
    let error = err(&lua, "local s = 'x' while true do s = s .. s end");
    assert_eq!(error.kind, ErrorKind::Memory);
    assert_eq!(error.message, "not enough memory");
    let parts = err(&lua, "local t = {} for i = 1, 1e7 do t[i] = ('part'):rep(100) .. i end return table.concat(t)");
    assert_eq!(parts.kind, ErrorKind::Memory);
    // Just under the limit succeeds.
    assert_eq!(ok(&lua, "local s = ('x'):rep(1000) for i = 1, 9 do s = s .. s end return #s"), "512000");
    let stats = lua.memory_stats();
    assert!(stats.alloc.peak_bytes <= MEMORY, "peak {} over the limit", stats.alloc.peak_bytes);
    usable(&lua);
}

#[test]
fn huge_string_rep() {
    let lua = limited();
    for code in ["return string.rep('x', 2^40)", "return ('ab'):rep(2^30, ',')", "return ('x'):rep(1e8)"] {
        let error = err(&lua, code);
        // 64-bit hosts try the allocation; wasm32's size_t makes Lua refuse it first.
        let refused = error.kind == ErrorKind::Runtime && error.message.contains("resulting string too large");
        assert!(error.kind == ErrorKind::Memory || refused, "{code}: {error:?}");
    }
    assert_contains(&err(&lua, "return ('x'):rep(2^62, ('y'):rep(10))"), "resulting string too large");
    assert_eq!(ok(&lua, "return #('x'):rep(0), #('x'):rep(-1)"), "0\t0");
    usable(&lua);
}

#[test]
fn pathological_patterns() {
    let lua = limited();
    // Matching runs in C, between instructions: the instruction limit bounds the Lua loops
    // around it, and Lua's matcher bounds its own recursion ("pattern too complex").
    let looping = err(&lua, "local s = ('a'):rep(8) while true do s:find('a-b') end");
    assert_eq!(looping.kind, ErrorKind::InstructionLimit);
    assert_contains(&err(&lua, "return (('a'):rep(500)):find(('a?'):rep(500) .. ('a'):rep(500))"), "pattern too complex");
    assert_contains(&err(&lua, "return ('x'):find(('('):rep(40) .. 'x' .. (')'):rep(40))"), "too many captures");
    assert_contains(&err(&lua, "return ('x'):find('%')"), "malformed pattern");
    assert_contains(&err(&lua, "return ('x'):find('[a')"), "malformed pattern");
    assert_contains(&err(&lua, "return ('x'):gsub('(x)', '%2')"), "invalid capture index");
    assert_contains(&err(&lua, "return ('x'):find('%b')"), "missing arguments");
    // Backtracking is polynomial in the subject and exponential in the pattern, and a single
    // `find` executes no instruction, so the instruction limit does not bound it (2000 bytes
    // and '.-.-b' take ~30 s in a debug build; see README, Security). Modest sizes finish with
    // the right answer.
    assert_eq!(ok(&lua, "return (('a'):rep(18)):find(('a*'):rep(6) .. 'b')"), "nil");
    assert_eq!(ok(&lua, "return (('a'):rep(200)):find('.-.-b')"), "nil");
    let gsub = err(&lua, "local s = ('ab'):rep(1000) while true do s = s:gsub('a', 'aa') end");
    assert!(matches!(gsub.kind, ErrorKind::Memory | ErrorKind::InstructionLimit), "{gsub:?}");
    usable(&lua);
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let lua = limited();
    assert_eq!(ok(&lua, "return '\\xff\\xfe', #'\\xff'"), "\u{FFFD}\u{FFFD}\t1");
    assert_eq!(ok(&lua, "return utf8.len('\\xff'), utf8.len('h\\u{E9}')"), "nil\t2");
    assert_contains(&err(&lua, "return utf8.codepoint('\\xff')"), "invalid UTF-8 code");
    assert_contains(&err(&lua, "error('\\xffbad')"), "\u{FFFD}bad");
    assert_eq!(ok(&lua, "return 'a\\0b', #'a\\0b'"), "a\0b\t3");
    // A real NUL byte inside a string literal and in a comment are fine; outside, a syntax error.
    assert_eq!(ok(&lua, "return #'a\0b' -- \0"), "3");
    let error = err(&lua, "return 1 \0");
    assert_eq!(error.kind, ErrorKind::Syntax);
    lua.exec("print('x\\0y', '\\xff')", None).unwrap();
    assert_eq!(lua.take_output(), "x\0y\t\u{FFFD}\n");
    // A NUL in a chunk name is escaped, not truncated.
    assert_contains(&lua.exec("error('n')", Some("a\0b")).unwrap_err(), "a\\0b:1: n");
    assert_contains(&err(&lua, "\0"), "unexpected symbol");
    usable(&lua);
}

#[test]
fn binary_chunks_are_refused() {
    let lua = limited();
    let error = err(&lua, "\x1bLua\x54\x00");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_contains(&error, "attempt to load a binary chunk");
    // Crafted bytecode can corrupt the VM, so `load` takes text only, whatever mode it is given.
    for code in [
        "return load(string.dump(function() return 1 end))",
        "return load(string.dump(function() return 1 end), 'b', 'b')",
        "return load(string.dump(function() return 1 end), 'bt', 'bt', {})",
    ] {
        let result = ok(&lua, code);
        assert!(result.starts_with("nil\t") && result.contains("attempt to load a binary chunk"), "{code}: {result}");
    }
    // Text still loads, with every argument honoured.
    assert_eq!(ok(&lua, "return load('return 1 + 1')()"), "2");
    assert_eq!(ok(&lua, "return load('return x', 'n', 'bt', {x = 7})()"), "7");
    assert_eq!(ok(&lua, "return load('return x', 'n', nil, {x = 8})()"), "8");
    assert_eq!(ok(&lua, "x = 9 return load('return x', 'n', 't')()"), "9");
    assert_eq!(ok(&lua, "return select(2, load('return +', '=n'))"), "n:1: unexpected symbol near '+'");
    assert_eq!(ok(&lua, "local i = 0 return load(function() i = i + 1 return ({'return ', '3'})[i] end)()"), "3");
    usable(&lua);
}

#[test]
fn errors_in_gc_are_warnings() {
    let lua = trusted();
    // Lua 5.4 turns an error in __gc into a warning; warnings are off until "@on".
    assert_eq!(ok(&lua, "setmetatable({}, {__gc = function() error('in gc') end}) collectgarbage() return 'after'"), "after");
    assert_eq!(lua.take_error_output(), "");
    ok(&lua, "warn('@on') setmetatable({}, {__gc = function() error('in gc') end}) collectgarbage()");
    let output = lua.take_error_output();
    assert!(output.starts_with("Lua warning: error in __gc"), "{output:?}");
    assert!(output.contains("in gc"), "{output:?}");
    ok(&lua, "warn('two ', 'parts') warn('@off') warn('hidden')");
    assert_eq!(lua.take_error_output(), "Lua warning: two parts\n");
    assert_eq!(lua.take_output(), "", "warnings go to standard error");
    // A finalizer that allocates without end is stopped by the memory limit (its error is a
    // warning). One that loops without allocating is not stopped: Lua runs finalizers with hooks
    // off, so the instruction limit cannot reach them; hence `__gc` only for trusted code.
    ok(&lua, "warn('@on') setmetatable({}, {__gc = function() local t = {} while true do t[#t + 1] = {} end end}) collectgarbage()");
    assert!(lua.take_error_output().contains("not enough memory"));
    ok(&lua, "leftover = setmetatable({}, {__gc = function() error('at close') end})");
    usable(&lua);
    let stats = lua.close();
    assert_eq!(stats.live_bytes, 0, "finalizers that fail at close still free everything");
}

#[test]
fn errors_in_close() {
    let lua = limited();
    let error = err(&lua, "do local x <close> = setmetatable({}, {__close = function() error('in close', 0) end}) end");
    assert_eq!(error.message, "in close");
    // An error while closing replaces the error being raised.
    let replaced = err(&lua, "local x <close> = setmetatable({}, {__close = function() error('second', 0) end}) error('first', 0)");
    assert_eq!(replaced.message, "second");
    assert_eq!(
        ok(&lua, "return pcall(function() local x <close> = setmetatable({}, {__close = function(_, e) error(e .. '+close', 0) end}) error('body', 0) end)"),
        "false\tbody+close"
    );
    assert_contains(&err(&lua, "local x <close> = 42"), "non-closable value");
    let looping = err(&lua, "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end");
    assert_eq!(looping.kind, ErrorKind::InstructionLimit);
    let oom = err(&lua, "local x <close> = setmetatable({}, {__close = function() local s = 'x' while true do s = s .. s end end})");
    assert_eq!(oom.kind, ErrorKind::Memory);
    usable(&lua);
}

#[test]
fn errors_in_tostring() {
    let lua = limited();
    assert_contains(&err(&lua, "return tostring(setmetatable({}, {__tostring = function() error('ts') end}))"), "ts");
    assert_contains(&err(&lua, "return tostring(setmetatable({}, {__tostring = function() return {} end}))"), "'__tostring' must return a string");
    // Results and error objects go through __tostring too.
    assert_contains(&err(&lua, "return setmetatable({}, {__tostring = function() error('in result') end})"), "in result");
    let object = err(&lua, "error(setmetatable({}, {__tostring = function() error('again') end}))");
    assert_eq!(object.message, "(error object is a table value)");
    // An error object whose __tostring never returns does not hang the error path.
    let looping = err(&lua, "error(setmetatable({}, {__tostring = function() while true do end end}))");
    assert_eq!(looping.message, "(error object is a table value)");
    let hungry = err(&lua, "error(setmetatable({}, {__tostring = function() local s = 'x' while true do s = s .. s end end}))");
    assert_eq!(hungry.message, "(error object is a table value)");
    assert_eq!(ok(&lua, "return setmetatable({}, {__name = 'Thing'})").split(':').next(), Some("Thing"));
    usable(&lua);
}

#[test]
fn errors_in_message_handlers() {
    let lua = limited();
    assert_eq!(ok(&lua, "return xpcall(error, function(m) return 'handled ' .. m end, 'x')"), "false\thandled x");
    let failing = ok(&lua, "return xpcall(error, function() error('again') end, 'x')");
    assert!(failing.starts_with("false\t"), "{failing}");
    let looping = err(&lua, "xpcall(error, function() while true do end end, 'x') return 'went on'");
    assert_eq!(looping.kind, ErrorKind::InstructionLimit);
    let hungry = ok(&lua, "return xpcall(error, function() local s = 'x' while true do s = s .. s end end, 'x')");
    assert_eq!(hungry, "false\tnot enough memory");
    assert_eq!(ok(&lua, "return select('#', xpcall(error, function() end))"), "2");
    assert_contains(&err(&lua, "return xpcall(error)"), "bad argument #2 to 'xpcall'");
    usable(&lua);
}

#[test]
fn errors_while_out_of_memory() {
    let lua = limited();
    ok(&lua, "hog = {} local ok, e = pcall(function() while true do hog[#hog + 1] = ('x'):rep(1000) .. #hog end end) assert(e == 'not enough memory')");
    // Memory is full: raising, formatting and handling errors must still come back cleanly.
    for code in [
        "error('plain')",
        "error(('y'):rep(10000))",
        "error({})",
        "local x = nil; return x.y",
        "return xpcall(error, debug.traceback, 'x')",
        "return string.format('%s %d', 'x', 1) .. ('z'):rep(100000)",
        "return coroutine.wrap(function() error('in co') end)()",
    ] {
        match lua.exec(code, Some("full")) {
            Ok(_) => {}
            Err(error) => assert!(
                matches!(error.kind, ErrorKind::Memory | ErrorKind::Runtime),
                "{code}: {error:?}"
            ),
        }
    }
    ok(&lua, "hog = nil collectgarbage()");
    usable(&lua);
}

#[test]
fn coroutines_wrapping_errors() {
    let lua = limited();
    assert_eq!(err(&lua, "coroutine.wrap(function() error('inner') end)()").message, "hostile:1: hostile:1: inner");
    let table = err(&lua, "coroutine.wrap(function() error({code = 1}) end)()");
    assert_eq!(table.message, "(error object is a table value)");
    let Some(lua_wasm::Value::Table(object)) = table.value else { panic!("the error object is kept: {table:?}") };
    assert_eq!(object.get::<_, i64>("code").unwrap(), 1);
    assert_contains(&err(&lua, "local f = coroutine.wrap(function() end) f() f()"), "cannot resume dead coroutine");
    assert_contains(&err(&lua, "coroutine.yield(1)"), "attempt to yield from outside a coroutine");
    assert_eq!(
        ok(&lua, "local co = coroutine.create(function() error('x', 0) end) return coroutine.resume(co)"),
        "false\tx"
    );
    assert_eq!(
        ok(&lua, "local co = coroutine.wrap(function() return pcall(function() coroutine.yield(1) error('after', 0) end) end) return co(), co()"),
        "1\tfalse\tafter"
    );
    let looping = err(&lua, "coroutine.wrap(function() while true do end end)()");
    assert_eq!(looping.kind, ErrorKind::InstructionLimit);
    let hungry = err(&lua, "coroutine.wrap(function() local s = 'x' while true do s = s .. s end end)()");
    assert_eq!(hungry.message, "not enough memory");
    assert_eq!(
        ok(&lua, "local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() error('c', 0) end}) coroutine.yield() end) coroutine.resume(co) return coroutine.close(co)"),
        "false\tc"
    );
    usable(&lua);
}

#[test]
fn collectgarbage_in_every_mode() {
    let lua = limited();
    let result = ok(
        &lua,
        "local r = {}
         r[#r + 1] = collectgarbage('collect')
         r[#r + 1] = collectgarbage('stop')
         r[#r + 1] = tostring(collectgarbage('isrunning'))
         r[#r + 1] = collectgarbage('restart')
         r[#r + 1] = tostring(collectgarbage('isrunning'))
         r[#r + 1] = math.type(collectgarbage('count'))
         r[#r + 1] = tostring(collectgarbage('step', 0))
         r[#r + 1] = tostring(collectgarbage('step', 1000)) -- 5.4: KiB (1e9 overflows on wasm32); 5.5: bytes
         r[#r + 1] = collectgarbage('generational')
         r[#r + 1] = collectgarbage('incremental', 100, 200, 10)
         r[#r + 1] = collectgarbage('incremental')
         r[#r + 1] = collectgarbage()
         return table.concat(r, ' ')",
    );
    // A 5.5 step from the start of a cycle stops at the latest at its atomic phase, so it
    // cannot finish the cycle; 5.4's step of 1000 KiB does.
    let finished = if cfg!(feature = "lua55") { "false" } else { "true" };
    assert_eq!(result, format!("0 0 false 0 true float true {finished} incremental generational incremental 0"));
    assert_contains(&err(&lua, "collectgarbage('bogus')"), "invalid option 'bogus'");
    // Inside a finalizer, collection is refused (fail, that is nil), not recursive.
    assert_eq!(
        ok(&trusted(), "local r = 'unset' setmetatable({}, {__gc = function() r = tostring(collectgarbage('step')) end}) collectgarbage() return r"),
        "nil"
    );
    // Stopped collector and generational mode still meet the memory limit.
    for mode in ["stop", "generational"] {
        let error = err(&lua, &format!("collectgarbage('{mode}') local t = {{}} while true do t[#t + 1] = {{}} end"));
        assert_eq!(error.kind, ErrorKind::Memory, "{mode}");
        ok(&lua, "collectgarbage('restart') collectgarbage('incremental') collectgarbage()");
    }
    usable(&lua);
}

#[test]
fn huge_concat_and_unpack() {
    let lua = limited();
    assert_contains(&err(&lua, "return table.unpack({}, 1, 1e8)"), "too many results to unpack");
    assert_contains(&err(&lua, "return table.unpack({}, math.mininteger, math.maxinteger)"), "too many results to unpack");
    assert_eq!(ok(&lua, "return select('#', table.unpack({}, 1, 10000))"), "10000");
    assert_contains(&err(&lua, "return table.concat({}, ',', 1, 1e8)"), "invalid value (nil) at index 1");
    let big = err(&lua, "local t = {} for i = 1, 2e5 do t[i] = ('x'):rep(20) end return #table.concat(t, (','):rep(50))");
    assert_eq!(big.kind, ErrorKind::Memory);
    assert_eq!(ok(&lua, "return #table.concat({('x'):rep(1000), ('y'):rep(1000)}, ('-'):rep(1000), 1, 2)"), "3000");
    assert_contains(&err(&lua, "return string.format('%99999d', 1)"), "invalid conversion");
    // After a collection: 5.5 may not have collected the failed concatenation's garbage yet,
    // and the string buffer's own allocation runs no emergency collection.
    assert_contains(&err(&lua, "collectgarbage() return ('x'):rep(1e6):byte(1, -1)"), "string slice too long");
    assert_contains(&err(&lua, "return string.char(table.unpack({}, 1, 300))"), "number expected");
    usable(&lua);
}

#[test]
fn instruction_limit_cannot_be_removed_from_lua() {
    let lua = limited();
    // debug.sethook sets a script's hook beside the limit's, never in its place.
    let error = err(&lua, "debug.sethook() while true do end");
    assert_eq!(error.kind, ErrorKind::InstructionLimit, "{error:?}");
    let coroutine = err(&lua, "local co = coroutine.create(function() while true do end end) debug.sethook(co) coroutine.resume(co) error('resumed')");
    assert_eq!(coroutine.kind, ErrorKind::InstructionLimit, "{coroutine:?}");
    let own_hook = err(&lua, "debug.sethook(function() end, 'crl', 1e9) while true do end");
    assert_eq!(own_hook.kind, ErrorKind::InstructionLimit, "{own_hook:?}");
    assert_eq!(ok(&lua, "debug.sethook() return debug.gethook()"), "nil", "the limit's hook is not the script's to see");
    usable(&lua);
}

/// Runs `code` under a 1M-instruction limit and expects it to stop with `kind`, the state
/// answering afterwards.
fn stops(lua: &Lua, code: &str, kind: ErrorKind) {
    let error = err(lua, code);
    assert_eq!(error.kind, kind, "{code}: {error:?}");
    assert_eq!(ok(lua, "return 1 + 1"), "2", "usable after {code}");
}

#[test]
fn no_coroutine_escapes_the_instruction_limit() {
    let lua = limited();
    for code in [
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        "while true do pcall(coroutine.wrap(function() while true do end end)) end",
        "while true do pcall(coroutine.wrap(function() coroutine.resume(coroutine.create(function() while true do end end)) end)) end",
        "while true do local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, 10 do co() end end",
        "while true do xpcall(function() while true do end end, function() return 'handled' end) end",
        "while true do pcall(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) error('x') end) end",
        "while true do pcall(error, setmetatable({}, {__tostring = function() while true do end end})) end",
    ] {
        stops(&lua, code, ErrorKind::InstructionLimit);
    }
}

#[test]
fn coroutines_made_before_the_limit_are_counted() {
    let lua = Lua::new(Options::default()).unwrap();
    ok(&lua, "spin = coroutine.wrap(function() while true do end end)");
    lua.set_instruction_limit(100_000).unwrap();
    stops(&lua, "spin()", ErrorKind::InstructionLimit);
    ok(&lua, "again = coroutine.create(function() while true do end end)");
    // A coroutine that hit the limit in one call runs under a fresh budget in the next.
    stops(&lua, "coroutine.resume(again) error('escaped')", ErrorKind::InstructionLimit);
    stops(&lua, "coroutine.resume(again) while true do end", ErrorKind::InstructionLimit);
}

#[test]
fn the_time_limit_ends_loops_of_expensive_calls() {
    let lua = Lua::new(Options { time_limit_ms: 200, memory_limit: MEMORY, ..Options::default() }).unwrap();
    // Few instructions, much time: each call fails for lack of memory and is caught. On 5.5 not
    // string.rep: each failed call leaves its buffer box (a userdata with __gc) to be finalized,
    // and 5.5's collector lets those pile up to the memory limit (stock 5.5 does so natively).
    let failing = if cfg!(feature = "lua55") { "table.unpack, {}, 1, 5e5" } else { "string.rep, 'x', 1e7" };
    stops(&lua, &format!("while true do pcall({failing}) end"), ErrorKind::TimeLimit);
    stops(&lua, "while true do end", ErrorKind::TimeLimit);
    stops(&lua, "while true do coroutine.resume(coroutine.create(function() while true do end end)) end", ErrorKind::TimeLimit);
    assert!(err(&lua, "while true do end").message.contains("time limit of 200 ms exceeded"));
    lua.set_time_limit(0);
    assert_eq!(ok(&lua, "local n = 0 for i = 1, 1e6 do n = n + 1 end return n"), "1000000");
}

#[test]
fn untrusted_code_cannot_set_finalizers() {
    let lua = limited();
    for code in [
        "setmetatable({}, {__gc = function() while true do end end})",
        "setmetatable({}, {__gc = true})",
        "debug.setmetatable({}, {__gc = function() end})",
    ] {
        assert_contains(&err(&lua, code), "__gc metamethods are not available to untrusted code");
    }
    // Adding the field afterwards marks nothing for finalization: the function never runs.
    ok(&lua, "ran = false local mt = {} setmetatable({}, mt) mt.__gc = function() ran = true while true do end end collectgarbage() collectgarbage()");
    assert_eq!(ok(&lua, "return ran"), "false");
    assert_eq!(ok(&lua, "return getmetatable(setmetatable({}, {__index = {x = 1}})).__index.x"), "1", "other metatables work");
    assert!(ok(&lua, "return select(2, load(string.dump(function() end)))").contains("attempt to load a binary chunk"));
}

#[test]
fn trusted_code_may_load_binary_chunks() {
    let lua = trusted();
    assert_eq!(ok(&lua, "return load(string.dump(function() return 'from bytecode' end))()"), "from bytecode");
    assert_eq!(ok(&lua, "local ran = false setmetatable({}, {__gc = function() ran = true end}) collectgarbage() return ran"), "true");
}

#[test]
fn finalizer_output_at_close_stays_with_its_state() {
    let first = trusted();
    let second = limited();
    ok(&first, "leftover = setmetatable({}, {__gc = function() print('first finalized') end})");
    ok(&second, "print('second')");
    drop(first);
    assert_eq!(second.take_output(), "second\n", "nothing of the first state's close");
}

#[test]
fn sorting_with_a_bad_comparator() {
    let lua = limited();
    assert_contains(&err(&lua, "local t = {} for i = 1, 100 do t[i] = i % 7 end table.sort(t, function(a, b) return true end)"), "invalid order function");
    stops(&lua, "local t = {} for i = 1, 1000 do t[i] = i end table.sort(t, function(a, b) while true do end end)", ErrorKind::InstructionLimit);
    assert_contains(&err(&lua, "table.sort({3, 1, 2}, function(a, b) error('cmp') end)"), "cmp");
    usable(&lua);
}

#[test]
fn script_hooks_stay_inside_the_limits() {
    // A hook function runs with hooks off on its own thread: untrusted, it runs where the limit
    // counts it (and it stays set: every later call of this state ends the same way).
    let looping = limited();
    let error = err(&looping, "debug.sethook(function() while true do end end, 'c') local function f() end f()");
    assert_eq!(error.kind, ErrorKind::InstructionLimit, "{error:?}");
    assert_eq!(err(&looping, "local function f() end f()").kind, ErrorKind::InstructionLimit);
    // Setting a hook restarts Lua's count: every call is charged.
    let lua = limited();
    let error = err(&lua, "for i = 1, 1e7 do debug.sethook() end");
    assert_eq!(error.kind, ErrorKind::InstructionLimit, "{error:?}");
    // The hook still sees its events, and errors in it reach the script.
    assert_eq!(ok(&lua, "local n = 0 debug.sethook(function(e, l) n = n + 1 end, 'l')\nlocal x = 1\nx = 2\ndebug.sethook() return n"), "3");
    assert_contains(&err(&limited(), "debug.sethook(function() error('from hook') end, 'l')\nlocal x = 1"), "from hook");
    // Threads at the addresses of collected ones start without a hook.
    let out = ok(
        &lua,
        "for i = 1, 200 do local co = coroutine.create(function() end) debug.sethook(co, function() end, 'l') end
         collectgarbage() collectgarbage()
         for i = 1, 2000 do if debug.gethook(coroutine.create(function() end)) then return 'stale' end end
         return 'clean'",
    );
    assert_eq!(out, "clean");
    usable(&lua);
}

#[test]
fn wrapped_functions_keep_their_originals_out_of_reach() {
    for lua in [limited(), trusted()] {
        for name in ["load", "loadfile", "setmetatable", "debug.setmetatable", "debug.sethook", "coroutine.create", "coroutine.wrap"] {
            assert_eq!(ok(&lua, &format!("return (debug.getupvalue({name}, 1))")), "nil", "{name}");
        }
    }
}

#[test]
fn a_caught_stop_is_still_a_stop() {
    let lua = limited();
    assert_eq!(err(&lua, "return pcall(os.exit, 3)").kind, ErrorKind::Exit { code: 3 });
    assert_eq!(err(&lua, "return pcall(function() while true do end end)").kind, ErrorKind::InstructionLimit);
    usable(&lua);
}
