//! One edit of Lua 5.5's configuration file for wasm32.
//!
//! 5.5's `LUAI_MAXALIGN` (the alignment of userdata memory) lists `long double`, which clang
//! aligns to 16 bytes on wasm32-unknown-unknown (Emscripten's clang aligns it to 8). Lua would
//! then lay userdata out for 16-byte alignment, while every backend aligns Lua's blocks to 8
//! there (`lua_allocators::LUA_MAX_ALIGN`, as for 5.4). Lua never stores a `long double` (its
//! numbers are `double`), so on wasm32 the build compiles a copy of the sources whose luaconf.h
//! has 5.4's list instead, the one 5.5 itself uses without C99: the same 8-byte alignment and
//! userdata layout as 5.4. luaconf.h is the file Lua leaves to embedders ("Add fields to it if
//! you need alignment for non-ISO objects"); build/layout.c checks the result.

use std::path::{Path, PathBuf};

const LONG_DOUBLE: &str = "#define LUAI_MAXALIGN long double u; void *s; long long l\n";
const WITHOUT: &str = "#define LUAI_MAXALIGN  lua_Number n; double u; void *s; lua_Integer i; long l\n";

/// A copy of `lua_dir` in `out_dir` whose luaconf.h defines `LUAI_MAXALIGN` without `long double`.
pub fn without_long_double_alignment(lua_dir: &Path, out_dir: &Path) -> PathBuf {
    let copy = out_dir.join(lua_dir.file_name().expect("the Lua folder has a name"));
    std::fs::create_dir_all(&copy).unwrap_or_else(|e| panic!("cannot create {}: {e}", copy.display()));
    for entry in std::fs::read_dir(lua_dir).expect("Lua source folder is readable") {
        let path = entry.expect("Lua source folder is readable").path();
        if path.is_file() {
            let to = copy.join(path.file_name().expect("a file has a name"));
            std::fs::copy(&path, &to).unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", path.display(), to.display()));
        }
    }
    let conf_path = copy.join("luaconf.h");
    let conf = std::fs::read_to_string(&conf_path).expect("luaconf.h is readable");
    assert_eq!(
        conf.matches(LONG_DOUBLE).count(),
        1,
        "{}: expected one `{}`; this lua-src release defines LUAI_MAXALIGN differently, see build/luaconf.rs",
        lua_dir.join("luaconf.h").display(),
        LONG_DOUBLE.trim_end()
    );
    std::fs::write(&conf_path, conf.replace(LONG_DOUBLE, WITHOUT)).expect("the copy of luaconf.h is writable");
    copy
}
