/* assert.h for wasm32-unknown-unknown (lua-sys libc shim). */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __builtin_trap())
#endif
