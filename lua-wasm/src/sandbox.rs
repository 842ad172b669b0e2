#![allow(non_snake_case)] // `L` is what Lua calls a state, in its manual and sources.

//! The C functions of the sandbox: the standard library overrides, the message handler, the
//! warning function. They run inside Lua, so they hold only
//! references and raw pointers across calls that can raise.

use crate::output;
use crate::state::core_of;
use core::ffi::c_int;
use lua_sys::ffi::*;
use std::cell::Cell;

/// Lua's own functions that the sandbox wraps, as C function pointers: kept as upvalues they
/// would be one `debug.getupvalue` away from the script. Each wrapper calls its original on its
/// own frame, so that the stack a script sees (`debug.getinfo`) is the one Lua's own gives.
#[derive(Default)]
pub(crate) struct Originals {
    pub load: Cell<Option<lua_CFunction>>,
    pub loadfile: Cell<Option<lua_CFunction>>,
    pub setmetatable: Cell<Option<lua_CFunction>>,
    pub debug_setmetatable: Cell<Option<lua_CFunction>>,
    pub sethook: Cell<Option<lua_CFunction>>,
    pub coroutine_create: Cell<Option<lua_CFunction>>,
    pub coroutine_wrap: Cell<Option<lua_CFunction>>,
}

/// Keeps the C function at `name` of the table at `table` in `slot` and puts `wrapper` there.
///
/// # Safety
/// L is live, inside a protected call, with a table at `table` (a negative index counts before
/// this call's pushes).
pub(crate) unsafe fn wrap_field(L: *mut lua_State, table: c_int, name: &core::ffi::CStr, slot: &Cell<Option<lua_CFunction>>, wrapper: lua_CFunction) {
    // SAFETY: per the contract.
    unsafe {
        let table = lua_absindex(L, table);
        lua_getfield(L, table, name.as_ptr());
        slot.set(lua_tocfunction(L, -1));
        lua_settop(L, -2);
        lua_pushcclosure(L, wrapper, 0);
        lua_setfield(L, table, name.as_ptr());
    }
}

/// Calls a wrapped original on the current frame (its arguments are the frame's).
///
/// # Safety
/// L is live, inside a C function whose arguments the original expects.
pub(crate) unsafe fn call_original(L: *mut lua_State, original: Option<lua_CFunction>) -> c_int {
    // SAFETY: per the contract: a C function reads its arguments from the frame it runs on.
    unsafe {
        match original {
            Some(original) => original(L),
            None => luaL_error(L, c"this standard function is not available".as_ptr()),
        }
    }
}

/// Message handler: records the traceback and passes the error object through unchanged.
pub(crate) unsafe extern "C-unwind" fn traceback_handler(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid; the handler runs with the error object at index 1.
    unsafe {
        let message = if lua_type(L, 1) == LUA_TSTRING { lua_tolstring(L, 1, core::ptr::null_mut()) } else { core::ptr::null() };
        luaL_traceback(L, L, message, 1);
        let mut len = 0;
        let text = lua_tolstring(L, -1, &mut len);
        let bytes = core::slice::from_raw_parts(text.cast::<u8>(), len);
        *core_of(L).traceback.borrow_mut() = String::from_utf8_lossy(bytes).into_owned();
        lua_settop(L, 1);
    }
    1
}

/// Opens the standard libraries and applies the sandbox. Runs under protection.
///
/// # Safety
/// L is the main thread of a state created by `Lua`, inside a protected call.
pub(crate) unsafe fn open_body(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid; every name is a NUL-terminated literal.
    unsafe {
        luaL_openlibs(L);
        crate::limits::open(L);
        lua_pushcclosure(L, print, 0);
        lua_setglobal(L, c"print".as_ptr());
        lua_getglobal(L, c"os".as_ptr());
        lua_pushcclosure(L, os_exit, 0);
        lua_setfield(L, -2, c"exit".as_ptr());
        lua_pushcclosure(L, os_execute, 0);
        lua_setfield(L, -2, c"execute".as_ptr());
        lua_getglobal(L, c"io".as_ptr());
        lua_pushcclosure(L, io_popen, 0);
        lua_setfield(L, -2, c"popen".as_ptr());
        crate::debug_hook::open(L);
        let originals = &core_of(L).originals;
        if !core_of(L).trusted {
            lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
            wrap_field(L, -1, c"load", &originals.load, load_text_only);
            wrap_field(L, -1, c"loadfile", &originals.loadfile, loadfile_text_only);
            // Lua runs `__gc` finalizers with hooks off, where no limit can stop them.
            wrap_field(L, -1, c"setmetatable", &originals.setmetatable, setmetatable_without_gc);
            lua_settop(L, -2);
            lua_getglobal(L, c"debug".as_ptr());
            wrap_field(L, -1, c"setmetatable", &originals.debug_setmetatable, debug_setmetatable_without_gc);
            lua_settop(L, -2);
            lua_pushcclosure(L, dofile_text_only, 0);
            lua_setglobal(L, c"dofile".as_ptr());
            // require's searcher of Lua files (package.searchers[2]) loads binary chunks too.
            lua_getglobal(L, c"package".as_ptr());
            lua_getfield(L, -1, c"searchers".as_ptr());
            lua_pushcclosure(L, search_lua_text_only, 0);
            lua_rawseti(L, -2, 2);
        }
        lua_pushcclosure(L, xpcall_guarded, 0);
        lua_setglobal(L, c"xpcall".as_ptr());
        lua_settop(L, 0);
    }
    0
}

/// `print`, writing to the state's output instead of the process's.
unsafe extern "C-unwind" fn print(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid; luaL_tolstring leaves a string whose bytes we copy before popping.
    unsafe {
        let count = lua_gettop(L);
        for index in 1..=count {
            let mut len = 0;
            let text = luaL_tolstring(L, index, &mut len);
            if index > 1 {
                output::append_to_current(1, b"\t");
            }
            output::append_to_current(1, core::slice::from_raw_parts(text.cast(), len));
            lua_settop(L, count);
        }
    }
    output::append_to_current(1, b"\n");
    0
}

/// `os.exit([code])` ends the running call (not the embedding program): the caller gets an
/// [`ErrorKind::Exit`](crate::ErrorKind::Exit) error with the code, and the state stays usable.
/// `true` is 0 (EXIT_SUCCESS), `false` 1, as in `loslib.c`.
unsafe extern "C-unwind" fn os_exit(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with os.exit's arguments.
    unsafe {
        let code = if lua_type(L, 1) == LUA_TBOOLEAN {
            if lua_toboolean(L, 1) != 0 { 0 } else { 1 }
        } else {
            luaL_optinteger(L, 1, 0) as c_int
        };
        let core = core_of(L);
        core.stop_every_thread(crate::ErrorKind::Exit { code });
        luaL_error(L, c"os.exit(%d)".as_ptr(), code)
    }
}

/// `os.execute`: there is no shell. Without a command, `false` (as Lua says when
/// `system(NULL)` finds none); with one, Lua's failure values and a message saying so.
unsafe extern "C-unwind" fn os_execute(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid with os.execute's arguments.
    unsafe {
        if lua_type(L, 1) <= LUA_TNIL {
            lua_pushboolean(L, 0);
            return 1;
        }
        luaL_checklstring(L, 1, core::ptr::null_mut());
        not_available(L, c"os.execute is not available in the sandbox (no processes)")
    }
}

/// `io.popen`: there are no processes; Lua's failure values with a message saying so (after
/// the same check of the mode as Lua's).
unsafe extern "C-unwind" fn io_popen(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid with io.popen's arguments.
    unsafe {
        luaL_checklstring(L, 1, core::ptr::null_mut());
        let mode = luaL_optlstring(L, 2, c"r".as_ptr(), core::ptr::null_mut());
        let mode = core::ffi::CStr::from_ptr(mode).to_bytes();
        if mode != b"r" && mode != b"w" {
            return luaL_argerror(L, 2, c"invalid mode".as_ptr());
        }
        not_available(L, c"io.popen is not available in the sandbox (no processes)")
    }
}

/// `nil, message, errno` (ENOSYS), as `luaL_fileresult` returns a failure.
unsafe fn not_available(L: *mut lua_State, message: &core::ffi::CStr) -> c_int {
    // SAFETY: L is valid with room for three values (LUA_MINSTACK).
    unsafe {
        lua_pushnil(L);
        lua_pushstring(L, message.as_ptr());
        lua_pushinteger(L, 38);
    }
    3
}

/// `loadfile` for text chunks only (mode argument 2).
unsafe extern "C-unwind" fn loadfile_text_only(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with loadfile's arguments.
    unsafe { call_text_only(L, 2, core_of(L).originals.loadfile.get()) }
}

/// Calls `original` (Lua's `load` or `loadfile`) with its mode argument, at `mode`, made
/// text-only; the argument after it (env) stays absent when it was not given.
///
/// # Safety
/// L is live with the arguments of `original` and room for two more (LUA_MINSTACK).
unsafe fn call_text_only(L: *mut lua_State, mode: c_int, original: Option<lua_CFunction>) -> c_int {
    // SAFETY: per the contract.
    unsafe {
        let count = lua_gettop(L).max(mode);
        lua_settop(L, count);
        without_binary_mode(L, mode);
        call_original(L, original)
    }
}

/// `dofile` for text chunks only: `luaB_dofile` with mode "t".
unsafe extern "C-unwind" fn dofile_text_only(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid with dofile's argument.
    unsafe {
        let name = luaL_optlstring(L, 1, core::ptr::null(), core::ptr::null_mut());
        lua_settop(L, 1);
        if luaL_loadfilex(L, name, c"t".as_ptr()) != LUA_OK {
            return lua_error(L);
        }
        lua_callk(L, 0, LUA_MULTRET, 0, Some(dofile_continue));
        dofile_continue(L, LUA_OK, 0)
    }
}

unsafe extern "C-unwind" fn dofile_continue(L: *mut lua_State, _status: c_int, _extra: lua_KContext) -> c_int {
    // SAFETY: L is valid; the file's results are above its name.
    unsafe { lua_gettop(L) - 1 }
}

/// `package.searchers[2]` for text chunks only: `searcher_Lua` of `loadlib.c` with mode "t".
unsafe extern "C-unwind" fn search_lua_text_only(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid with the module name at 1; every name is a NUL-terminated literal.
    unsafe {
        let name = luaL_checklstring(L, 1, core::ptr::null_mut());
        lua_getglobal(L, c"package".as_ptr());
        lua_getfield(L, -1, c"searchpath".as_ptr());
        lua_pushvalue(L, 1);
        lua_getfield(L, -3, c"path".as_ptr());
        if lua_type(L, -1) != LUA_TSTRING {
            return luaL_error(L, c"'package.path' must be a string".as_ptr());
        }
        lua_callk(L, 2, 2, 0, None);
        if lua_type(L, -2) == LUA_TNIL {
            return 1; // the message of every path tried
        }
        lua_settop(L, -2);
        let filename = lua_tolstring(L, -1, core::ptr::null_mut());
        if luaL_loadfilex(L, filename, c"t".as_ptr()) != LUA_OK {
            return luaL_error(
                L,
                c"error loading module '%s' from file '%s':\n\t%s".as_ptr(),
                name,
                filename,
                lua_tolstring(L, -1, core::ptr::null_mut()),
            );
        }
        lua_rotate(L, -2, 1); // loader, then the file name as its second argument
        2
    }
}

/// Replaces the mode argument at `index` (absent: "bt") by the same mode without binary chunks:
/// "t" stays "t", "bt" becomes "t", and "b" becomes "", which Lua refuses with its own message.
///
/// # Safety
/// L is valid with at least `index` values and room for one more.
unsafe fn without_binary_mode(L: *mut lua_State, index: c_int) {
    // SAFETY: per the contract; luaL_optlstring raises a clear error for a non-string mode.
    unsafe {
        let mode = luaL_optlstring(L, index, c"bt".as_ptr(), core::ptr::null_mut());
        let text = core::ffi::CStr::from_ptr(mode).to_bytes().contains(&b't');
        lua_pushstring(L, if text { c"t".as_ptr() } else { c"".as_ptr() });
        lua_copy(L, -1, index);
        lua_settop(L, -2);
    }
}

/// `load` for text chunks only, whatever mode it is given: Lua does not verify bytecode, and
/// crafted bytecode (`load(string.char(27, 76, ...))`) can corrupt the VM.
unsafe extern "C-unwind" fn load_text_only(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with load's arguments.
    unsafe { call_text_only(L, 3, core_of(L).originals.load.get()) }
}

/// `setmetatable` (and `debug.setmetatable`) refusing a metatable with a `__gc` field: Lua
/// runs finalizers with hooks off, so a looping one could never be stopped. Only a field present
/// when the metatable is set marks an object for finalization, so adding it later does nothing.
unsafe extern "C-unwind" fn setmetatable_without_gc(L: *mut lua_State) -> c_int {
    // SAFETY: L is a thread of a state created by `Lua`, with setmetatable's arguments.
    unsafe { refuse_gc_then(L, core_of(L).originals.setmetatable.get()) }
}

/// `debug.setmetatable`, as `setmetatable_without_gc`.
unsafe extern "C-unwind" fn debug_setmetatable_without_gc(L: *mut lua_State) -> c_int {
    // SAFETY: as setmetatable_without_gc.
    unsafe { refuse_gc_then(L, core_of(L).originals.debug_setmetatable.get()) }
}

/// Raises if argument 2 is a table with a `__gc` field, else calls `original`.
///
/// # Safety
/// L is live with the arguments of `original`.
unsafe fn refuse_gc_then(L: *mut lua_State, original: Option<lua_CFunction>) -> c_int {
    // SAFETY: per the contract; "__gc" is a NUL-terminated literal.
    unsafe {
        if lua_type(L, 2) == LUA_TTABLE {
            lua_pushstring(L, c"__gc".as_ptr());
            let has_gc = lua_rawget(L, 2) != LUA_TNIL;
            lua_settop(L, -2);
            if has_gc {
                return luaL_error(L, c"__gc metamethods are not available to untrusted code (option trusted)".as_ptr());
            }
        }
        call_original(L, original)
    }
}

/// `xpcall` whose message handler is skipped once the instruction limit has been hit in the
/// current call. Lua runs the message handler of an error raised by a hook with hooks disabled,
/// so a handler that loops (`xpcall(f, function() while true do end end)`) would never be
/// stopped. Otherwise the same as Lua's `xpcall` (`luaB_xpcall`), including yields.
unsafe extern "C-unwind" fn xpcall_guarded(L: *mut lua_State) -> c_int {
    // SAFETY: L is valid with xpcall's arguments (f, msgh, ...).
    unsafe {
        let count = lua_gettop(L);
        luaL_checktype(L, 2, LUA_TFUNCTION);
        lua_pushvalue(L, 2);
        lua_pushcclosure(L, guarded_handler, 1);
        lua_copy(L, -1, 2);
        lua_settop(L, count);
        lua_pushboolean(L, 1);
        lua_pushvalue(L, 1);
        lua_rotate(L, 3, 2);
        let status = lua_pcallk(L, count - 2, LUA_MULTRET, 2, 2, Some(finish_xpcall));
        finish_xpcall(L, status, 2)
    }
}

/// `finishpcall` of lbaselib.c: `false, message` after an error, else every result.
unsafe extern "C-unwind" fn finish_xpcall(L: *mut lua_State, status: c_int, extra: lua_KContext) -> c_int {
    // SAFETY: L is valid; the error object is on top after an error.
    unsafe {
        if status != LUA_OK && status != LUA_YIELD {
            lua_pushboolean(L, 0);
            lua_pushvalue(L, -2);
            return 2;
        }
        lua_gettop(L) - extra as c_int
    }
}

/// The message handler `xpcall_guarded` installs. Upvalue 1: the caller's handler.
unsafe extern "C-unwind" fn guarded_handler(L: *mut lua_State) -> c_int {
    // SAFETY: L is a state created by `Lua`, with the error object at 1.
    unsafe {
        if core_of(L).limit_hit.get().is_some() {
            lua_settop(L, 1);
            return 1;
        }
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_callk(L, lua_gettop(L) - 1, 1, 0, None);
    }
    1
}

/// Lua's warning function (`warn`), writing to the state's output like `lua.c`'s: off until
/// `@on`, each message prefixed with "Lua warning: ". `ud` points to the state's `Core`.
pub(crate) unsafe extern "C-unwind" fn warn(ud: *mut core::ffi::c_void, message: *const core::ffi::c_char, tocont: c_int) {
    // SAFETY: `Lua::with_backend` passes its Core, which outlives the state; Lua passes a
    // NUL-terminated message.
    let (core, message) = unsafe { (&*(ud as *const crate::state::Core), core::ffi::CStr::from_ptr(message).to_bytes()) };
    let starts = !core.warning_continues.get();
    core.warning_continues.set(tocont != 0);
    if starts && tocont == 0 && message.first() == Some(&b'@') {
        match message {
            b"@on" => core.warnings_on.set(true),
            b"@off" => core.warnings_on.set(false),
            _ => {}
        }
        return;
    }
    if core.warnings_on.get() {
        if starts {
            output::append_to_current(2, b"Lua warning: ");
        }
        output::append_to_current(2, message);
        if tocont == 0 {
            output::append_to_current(2, b"\n");
        }
    }
}
