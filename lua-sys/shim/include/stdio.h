/* stdio.h for wasm32-unknown-unknown (lua-sys libc shim). The file functions (and
 * stdin, stdout, stderr) are lua_shim_files.h's, on every target. */
#ifndef LUA_SHIM_STDIO_H
#define LUA_SHIM_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct lua_shim_file FILE;
typedef long long fpos_t;

#define EOF (-1)
#define BUFSIZ 1024
#define FILENAME_MAX 1024
#define L_tmpnam 32
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...);
int fprintf(FILE *restrict f, const char *restrict fmt, ...);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int printf(const char *restrict fmt, ...);

/* Files and the standard streams: see files/lua_shim_files.h, which the build forces into
 * every C file after this header. */

#endif
