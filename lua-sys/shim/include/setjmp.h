/* setjmp.h for wasm32-unknown-unknown (lua-sys libc shim).
 * clang's -mllvm -wasm-enable-sjlj rewrites calls to setjmp/longjmp into wasm exception
 * handling plus calls to __wasm_setjmp, __wasm_setjmp_test and __wasm_longjmp (sjlj.c).
 * The buffer holds that runtime's record (see sjlj.c); 8 words leave room to spare. */
#ifndef LUA_SHIM_SETJMP_H
#define LUA_SHIM_SETJMP_H

typedef struct { unsigned long __words[8]; } jmp_buf[1];

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);

#endif
