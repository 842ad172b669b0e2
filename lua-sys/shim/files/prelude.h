/* Forced (-include) into every C file lua-sys compiles: the C library's headers first (the
 * system's natively, the shim's on wasm32), then the redirections of lua_shim_files.h. */
#include <stdio.h>
#include <stdlib.h>
#include "lua_shim_files.h"
