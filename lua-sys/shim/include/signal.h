/* signal.h for wasm32-unknown-unknown (lua-sys libc shim): Lua only needs the type. */
#ifndef LUA_SHIM_SIGNAL_H
#define LUA_SHIM_SIGNAL_H
typedef int sig_atomic_t;
#endif
