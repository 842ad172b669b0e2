//! The state's world: its in-memory file system (from Lua and from Rust), standard streams,
//! environment, `os.exit`, trusted mode, and `debug.sethook` beside the limits. Runs natively
//! and on wasm32.

use lua_wasm::{ErrorKind, Lua, Options};
use std::cell::RefCell;
use std::rc::Rc;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn lua() -> Lua {
    Lua::new(Options::default()).expect("state opens")
}

fn ok(lua: &Lua, code: &str) -> String {
    lua.exec(code, Some("test")).unwrap_or_else(|e| panic!("{code:?}: {e}\n{}", e.traceback))
}

#[test]
fn io_writes_reads_seeks_and_lists_lines() {
    let lua = lua();
    let out = ok(
        &lua,
        r#"
        local f, msg = io.open("/data/notes.txt", "w")
        assert(not f and msg:find("No such file or directory"), msg)
        "#,
    );
    assert_eq!(out, "");
    lua.fs().mkdir("/data").unwrap();
    let out = ok(
        &lua,
        r#"
        local f = assert(io.open("/data/notes.txt", "w"))
        f:write("one\n", 2, "\n", 3.5, "\nlast")
        f:close()
        local lines = {}
        for line in io.lines("/data/notes.txt") do lines[#lines + 1] = line end
        local f = assert(io.open("data/./notes.txt", "r+"))
        assert(f:seek("end") == 14)
        f:seek("set", 4)
        local n = f:read("n")
        f:seek("set", 0)
        f:write("ONE")
        f:seek("set")
        local all = f:read("a")
        f:close()
        return table.concat(lines, ","), n, all
        "#,
    );
    assert_eq!(out, "one,2,3.5,last\t2\tONE\n2\n3.5\nlast");
    assert_eq!(lua.fs().read_file("/data/notes.txt").unwrap(), b"ONE\n2\n3.5\nlast");
    assert_eq!(lua.fs().read_dir("/").unwrap(), vec!["data"]);
}

#[test]
fn binary_data_round_trips_both_ways() {
    let lua = lua();
    let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    lua.fs().write_file("bin/all.bytes", &bytes).unwrap();
    let out = ok(
        &lua,
        r#"
        local f = assert(io.open("/bin/all.bytes", "rb"))
        local data = f:read("a")
        f:close()
        assert(#data == 512 and data:byte(1) == 0 and data:byte(256) == 255 and data:byte(512) == 0)
        local g = assert(io.open("/bin/copy", "wb"))
        g:write(data:reverse())
        g:close()
        return #data
        "#,
    );
    assert_eq!(out, "512");
    let mut reversed = bytes.clone();
    reversed.reverse();
    assert_eq!(lua.fs().read_file("/bin/copy").unwrap(), reversed);
}

#[test]
fn dot_dot_cannot_leave_the_root() {
    let lua = lua();
    lua.fs().write_file("/secret", "inside").unwrap();
    assert_eq!(ok(&lua, "return io.open('../../../secret'):read('a')"), "inside");
    assert_eq!(lua.fs().read_file("/a/../../..//secret").unwrap(), b"inside");
    assert!(lua.fs().exists("/tmp/../secret"));
    assert_eq!(lua.fs().read_file("/nothing").unwrap_err().kind, ErrorKind::Io);
}

#[test]
fn os_remove_rename_tmpname_and_tmpfile() {
    let lua = lua();
    let out = ok(
        &lua,
        r#"
        local name = os.tmpname()
        local f = assert(io.open(name, "w")) f:write("x") f:close()
        assert(os.rename(name, "/moved"))
        assert(io.open(name) == nil)
        assert(os.remove("/moved"))
        local ok, msg = os.remove("/moved")
        local t = io.tmpfile() t:write("scratch") t:seek("set") local back = t:read("a") t:close()
        return name:match("^/tmp/"), ok, msg, back
        "#,
    );
    assert_eq!(out, "/tmp/\tnil\t/moved: No such file or directory\tscratch");
}

#[test]
fn require_finds_a_module_in_a_subfolder_and_register_module_still_works() {
    let lua = lua();
    lua.fs().write_file("/lib/util/strings.lua", "return { shout = function(s) return s:upper() .. '!' end }").unwrap();
    lua.register_module("preloaded", "return 42").unwrap();
    let out = ok(&lua, "package.path = '/lib/?.lua;' .. package.path; return require('util.strings').shout('hi'), (require('preloaded'))");
    assert_eq!(out, "HI!\t42");
    lua.fs().write_file("/helper.lua", "return ...").unwrap();
    assert_eq!(ok(&lua, "return dofile('/helper.lua') == nil, loadfile('helper.lua')('x')"), "true\tx");
}

#[test]
fn a_file_write_past_the_memory_limit_fails_with_nil_and_a_message() {
    let lua = Lua::new(Options { memory_limit: 512 << 10, ..Options::default() }).unwrap();
    let out = ok(
        &lua,
        r#"
        local f = assert(io.open("/big", "w"))
        local chunk = ("x"):rep(64 * 1024)
        local ok, msg
        for i = 1, 64 do
          ok, msg = f:write(chunk)
          if not ok then break end
        end
        f:close()
        return ok, msg
        "#,
    );
    assert_eq!(out, "nil\tCannot allocate memory");
    assert_eq!(ok(&lua, "return 1 + 1"), "2");
    os_remove_frees(&lua);
    let error = lua.fs().write_file("/huge", vec![0u8; 1 << 20]).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Memory);
}

/// Removing the big file gives its memory back.
fn os_remove_frees(lua: &Lua) {
    let before = lua.memory_stats().alloc.live_bytes;
    ok(lua, "assert(os.remove('/big'))");
    assert!(lua.memory_stats().alloc.live_bytes + 100_000 < before);
}

#[test]
fn file_bytes_count_in_the_state_heap() {
    let lua = lua();
    let before = lua.memory_stats().alloc.live_bytes;
    lua.fs().write_file("/blob", vec![7u8; 100_000]).unwrap();
    let after = lua.memory_stats().alloc.live_bytes;
    assert!(after >= before + 100_000, "{before} -> {after}");
    lua.fs().unlink("/blob").unwrap();
    assert!(lua.memory_stats().alloc.live_bytes < before + 1_000);
}

#[test]
fn stdout_stderr_and_stdin_are_separate() {
    let lua = Lua::new(Options { stdin: b"first line\n42 rest\n".to_vec(), ..Options::default() }).unwrap();
    let out = ok(
        &lua,
        r#"
        io.write("to stdout ") io.stdout:write("again\n")
        io.stderr:write("to stderr\n")
        local line = io.read("l")
        local n = io.stdin:read("n")
        local rest = io.read("a")
        local eof = io.read("l")
        return line, n, rest, eof
        "#,
    );
    assert_eq!(out, "first line\t42\t rest\n\tnil");
    assert_eq!(lua.take_output(), "to stdout again\n");
    assert_eq!(lua.take_error_output(), "to stderr\n");
}

#[test]
fn output_sinks_stream_each_chunk() {
    let lua = lua();
    let seen = Rc::new(RefCell::new(Vec::<String>::new()));
    let sink = seen.clone();
    lua.on_stdout(Some(Box::new(move |bytes| sink.borrow_mut().push(String::from_utf8_lossy(bytes).into_owned()))));
    ok(&lua, "print('a', 1) io.write('b')");
    assert_eq!(seen.borrow().concat(), "a\t1\nb");
    assert_eq!(lua.take_output(), "");
    lua.on_stdout(None);
    ok(&lua, "io.write('buffered')");
    assert_eq!(lua.take_output(), "buffered");
}

#[test]
fn os_getenv_sees_the_env_option_only() {
    let lua = Lua::new(Options { env: vec![("PATH".into(), "/usr/bin".into()), ("EMPTY".into(), String::new())], ..Options::default() })
        .unwrap();
    assert_eq!(ok(&lua, "return os.getenv('PATH'), os.getenv('EMPTY'), os.getenv('HOME')"), "/usr/bin\t\tnil");
    assert_eq!(ok(&Lua::new(Options::default()).unwrap(), "return os.getenv('PATH')"), "nil");
    let bad = Lua::new(Options { env: vec![("A=B".into(), "x".into())], ..Options::default() });
    assert!(bad.is_err());
}

#[test]
fn os_exit_ends_the_call_even_inside_pcall_and_the_state_stays_usable() {
    let lua = lua();
    let error = lua.exec("pcall(os.exit, 3) print('not reached')", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Exit { code: 3 });
    let error = lua.exec("coroutine.wrap(function() os.exit(false) end)()", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Exit { code: 1 });
    assert_eq!(lua.exec("os.exit(true)", None).unwrap_err().kind, ErrorKind::Exit { code: 0 });
    assert_eq!(lua.take_output(), "");
    assert_eq!(ok(&lua, "return pcall(error, 'caught')"), "false\tcaught");
}

#[test]
fn processes_are_not_available_and_say_so() {
    let lua = lua();
    assert_eq!(ok(&lua, "return os.execute()"), "false");
    let out = ok(&lua, "local a, b, c = os.execute('ls') local d, e = io.popen('ls') return a, b, d, e");
    assert_eq!(out, "nil\tos.execute is not available in the sandbox (no processes)\tnil\tio.popen is not available in the sandbox (no processes)");
    assert!(lua.exec("io.popen('ls', 'rw')", None).unwrap_err().message.contains("invalid mode"));
}

#[test]
fn binary_chunks_only_when_trusted() {
    let dump = "string.dump(function(a) return type(a) == 'number' and a * 2 or 'ran' end)";
    let untrusted = lua();
    assert_eq!(ok(&untrusted, &format!("return type(({dump}))")), "string");
    untrusted.fs().write_file("/f.luac", b"\x1bLua").unwrap();
    for code in [
        format!("return load(({dump}))"),
        "return loadfile('/f.luac')".to_owned(),
        "return select(2, pcall(dofile, '/f.luac'))".to_owned(),
    ] {
        assert!(ok(&untrusted, &code).contains("attempt to load a binary chunk"), "{code}");
    }
    ok(&untrusted, &format!("local f = io.open('/m.lua', 'wb') f:write(({dump})) f:close()"));
    let error = untrusted.exec("require('m')", None).unwrap_err();
    assert!(error.message.contains("attempt to load a binary chunk"), "{}", error.message);

    let trusted = Lua::new(Options { trusted: true, ..Options::default() }).unwrap();
    assert_eq!(ok(&trusted, &format!("return load(({dump}))(21)")), "42");
    ok(&trusted, &format!("local f = io.open('/m.lua', 'wb') f:write(({dump})) f:close()"));
    assert_eq!(ok(&trusted, "return dofile('/m.lua'), loadfile('/m.lua')(4), (require('m'))"), "ran\t8\tran");
}

#[test]
fn debug_sethook_works_and_cannot_lift_the_instruction_limit() {
    let lua = lua();
    let out = ok(
        &lua,
        r#"
        local lines = 0
        debug.sethook(function(event) lines = lines + 1 end, "l")
        local x = 1
        x = x + 1
        x = x + 1
        debug.sethook()
        local f, mask, count = debug.gethook()
        return lines >= 3, f, mask
        "#,
    );
    assert_eq!(out, "true\tnil\tnil");

    let limited = Lua::new(Options { instruction_limit: 100_000, ..Options::default() }).unwrap();
    let error = limited.exec("debug.sethook() debug.sethook(function() end, '', 1e9) while true do end", None).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InstructionLimit);
    let out = ok(
        &limited,
        r#"
        local counts = 0
        debug.sethook(function(event) counts = counts + 1 end, "", 100)
        for i = 1, 10000 do end
        local f, mask, count = debug.gethook()
        debug.sethook()
        return counts >= 100, type(f), count
        "#,
    );
    assert_eq!(out, "true\tfunction\t100");
}

#[cfg(target_arch = "wasm32")]
#[test]
fn clocks_work_for_a_rust_lua_on_wasm() {
    let lua = lua();
    assert_eq!(ok(&lua, "return os.time() > 1.7e9, os.clock() >= 0 and os.clock() < 60, os.date('!%Y', 0)"), "true\ttrue\t1970");
}

#[test]
fn the_tree_itself_counts_against_the_memory_limit() {
    let lua = Lua::new(Options { memory_limit: 1 << 20, ..Options::default() }).unwrap();
    let out = ok(
        &lua,
        r#"
        local name = ("n"):rep(4000)
        local created = 0
        -- io.open fails with "Cannot allocate memory", or making the next name does.
        pcall(function()
          for i = 1, 10000 do
            local f = io.open("/" .. i .. name, "w")
            if not f then return end
            f:close()
            created = created + 1
          end
        end)
        return created > 10, created < 1000
        "#,
    );
    assert_eq!(out, "true\ttrue");
    let lua = Lua::new(Options { memory_limit: 1 << 20, ..Options::default() }).unwrap();
    assert!(ok(&lua, "return (select(2, io.open(('x'):rep(5000), 'w')))").ends_with("File name too long"));
    // A huge buffer request is clamped rather than reserved.
    assert_eq!(ok(&lua, "local f = io.open('/b', 'w') f:setvbuf('full', 300 << 20) f:write('x') f:close() return io.open('/b'):read('a')"), "x");
}

#[test]
fn standard_input_is_each_states_own() {
    let a = Lua::new(Options { stdin: b"12x".to_vec(), ..Options::default() }).unwrap();
    let b = Lua::new(Options { stdin: b"hello".to_vec(), ..Options::default() }).unwrap();
    assert_eq!(ok(&a, "return io.read('n')"), "12");
    assert_eq!(ok(&b, "return io.read(1)"), "h");
    assert_eq!(ok(&a, "return io.read('a')"), "x");
}

#[test]
fn writes_to_read_only_files_fail_for_numbers_too() {
    let lua = lua();
    lua.fs().write_file("/r", "data").unwrap();
    assert_eq!(ok(&lua, "local f = io.open('/r') local a = f:write(42) local b = f:write('s') return a, b"), "nil\tnil");
}

#[test]
fn a_sink_may_remove_itself() {
    let lua = Rc::new(lua());
    let seen = Rc::new(RefCell::new(String::new()));
    let (sink_lua, sink_seen) = (Rc::downgrade(&lua), seen.clone());
    lua.on_stdout(Some(Box::new(move |bytes| {
        sink_seen.borrow_mut().push_str(&String::from_utf8_lossy(bytes));
        if let Some(lua) = sink_lua.upgrade() {
            lua.on_stdout(None);
        }
    })));
    ok(&lua, "io.write('first') io.write('second')");
    assert_eq!(*seen.borrow(), "first");
    assert_eq!(lua.take_output(), "second");
}
