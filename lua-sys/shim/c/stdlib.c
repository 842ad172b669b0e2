/* The rest of stdlib.h and locale.h for the shim: process control does not exist in the sandbox (the
 * environment is files/files.c's), and the only locale is "C". malloc and friends are in Rust
 * (src/shim/heap.rs), strtod too (src/shim/numbers.rs). */

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

int errno;

/* Lua calls abort only from an unprotected error, which lua-sys never lets happen. */
_Noreturn void abort(void) { __builtin_trap(); }

/* lua-wasm replaces os.exit with a function that raises a Lua error; nothing else calls exit. */
_Noreturn void exit(int status) {
  (void)status;
  __builtin_trap();
}

int abs(int x) { return x < 0 ? -x : x; }

static char decimal_point[] = ".";
static char empty[] = "";
static struct lconv c_locale = {decimal_point, empty, empty};

struct lconv *localeconv(void) { return &c_locale; }

char *setlocale(int category, const char *locale) {
  (void)category;
  static char c_name[] = "C";
  if (!locale || !*locale || strcmp(locale, "C") == 0 || strcmp(locale, "POSIX") == 0)
    return c_name;
  return 0;
}
