/* Compiled with Lua by build/main.rs, for every version and target: what the Rust side assumes
 * about Lua's types.
 *
 * - The alignment each backend gives Lua's blocks (lua_allocators::LUA_MAX_ALIGN, passed as
 *   LUA_SYS_MAX_ALIGN) covers the alignment Lua lays userdata out for (LUAI_MAXALIGN).
 * - The size and a late field of lua_Debug, which differs between 5.4 and 5.5, for the FFI's
 *   layout test (src/ffi/lua.rs); these constants are linked only into that test. */
#include <stddef.h>

#include "lua.h"

union lua_sys_max_align {
  LUAI_MAXALIGN;
};

_Static_assert(_Alignof(union lua_sys_max_align) <= LUA_SYS_MAX_ALIGN,
               "LUAI_MAXALIGN asks for more alignment than lua_allocators::LUA_MAX_ALIGN gives "
               "(see lua-sys/build/luaconf.rs)");

const size_t lua_sys_debug_size = sizeof(lua_Debug);
const size_t lua_sys_debug_short_src = offsetof(lua_Debug, short_src);
