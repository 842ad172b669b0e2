/* The setjmp/longjmp runtime that clang's `-mllvm -wasm-enable-sjlj` lowering calls.
 *
 * ABI: WebAssembly/tool-conventions, SetjmpLongjmp.md. The pass turns each `setjmp(env)` into
 * `__wasm_setjmp(env, label, id)`, where `id` identifies the calling function's activation and
 * `label` the setjmp call site within it; `longjmp(env, val)` becomes `__wasm_longjmp(env, val)`,
 * which throws a wasm exception with the `__c_longjmp` tag (tag index 1 of
 * `__builtin_wasm_throw`). Every function that called setjmp catches that tag and asks
 * `__wasm_setjmp_test(env, id)` whether the jump targets one of its own labels: 0 means "not
 * mine, rethrow". The thrown payload is a pointer to {env, val}, stored in the jmp_buf itself so
 * no allocation happens while unwinding (out of memory is one of the errors Lua throws). */

#include <stdint.h>

struct lua_shim_jmp_record {
  void *activation;
  uint32_t label;
  struct {
    void *env;
    int val;
  } thrown;
};

_Static_assert(sizeof(struct lua_shim_jmp_record) <= 8 * sizeof(unsigned long),
               "jmp_buf in setjmp.h must hold the record");

void __wasm_setjmp(void *env, uint32_t label, void *activation) {
  struct lua_shim_jmp_record *record = env;
  if (label == 0 || activation == 0) __builtin_trap(); /* the pass never passes these */
  record->activation = activation;
  record->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *activation) {
  struct lua_shim_jmp_record *record = env;
  if (record->label == 0) __builtin_trap(); /* longjmp to a buffer setjmp never filled */
  return record->activation == activation ? record->label : 0;
}

void __wasm_longjmp(void *env, int val) {
  struct lua_shim_jmp_record *record = env;
  record->thrown.env = env;
  record->thrown.val = val == 0 ? 1 : val; /* C: longjmp(env, 0) makes setjmp return 1 */
  __builtin_wasm_throw(1, &record->thrown);
}
