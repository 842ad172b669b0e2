/* Files, standard streams and the environment for Lua, on every target: forced into each C file
 * of the build (prelude.h), after the C library's own headers, these macros send Lua's stdio,
 * getenv and system calls to files.c, which serves them from the embedder's in-memory file
 * system (lua_sys::host::FileSystem in Rust) instead of the process's. */
#ifndef LUA_SHIM_FILES_H
#define LUA_SHIM_FILES_H

#include <stdarg.h>
#include <stddef.h>

typedef struct lua_shim_file lua_shim_FILE;

lua_shim_FILE *lua_shim_stdio(int fd);
lua_shim_FILE *lua_shim_fopen(const char *path, const char *mode);
lua_shim_FILE *lua_shim_freopen(const char *path, const char *mode, lua_shim_FILE *f);
lua_shim_FILE *lua_shim_tmpfile(void);
int lua_shim_fclose(lua_shim_FILE *f);
size_t lua_shim_fread(void *p, size_t size, size_t n, lua_shim_FILE *f);
size_t lua_shim_fwrite(const void *p, size_t size, size_t n, lua_shim_FILE *f);
int lua_shim_getc(lua_shim_FILE *f);
int lua_shim_ungetc(int c, lua_shim_FILE *f);
char *lua_shim_fgets(char *s, int n, lua_shim_FILE *f);
int lua_shim_fputs(const char *s, lua_shim_FILE *f);
int lua_shim_fflush(lua_shim_FILE *f);
int lua_shim_ferror(lua_shim_FILE *f);
int lua_shim_feof(lua_shim_FILE *f);
void lua_shim_clearerr(lua_shim_FILE *f);
int lua_shim_fseek(lua_shim_FILE *f, long offset, int whence);
long lua_shim_ftell(lua_shim_FILE *f);
int lua_shim_setvbuf(lua_shim_FILE *f, char *buf, int mode, size_t size);
int lua_shim_fprintf(lua_shim_FILE *f, const char *fmt, ...);
int lua_shim_vfprintf(lua_shim_FILE *f, const char *fmt, va_list ap);
char *lua_shim_tmpnam(char *s);
int lua_shim_remove(const char *path);
int lua_shim_rename(const char *from, const char *to);
char *lua_shim_getenv(const char *name);
int lua_shim_system(const char *command);

#undef FILE
#undef stdin
#undef stdout
#undef stderr
#undef getc
#undef fgetc
#undef putc
#define FILE lua_shim_FILE
#define stdin (lua_shim_stdio(0))
#define stdout (lua_shim_stdio(1))
#define stderr (lua_shim_stdio(2))
#define fopen lua_shim_fopen
#define freopen lua_shim_freopen
#define tmpfile lua_shim_tmpfile
#define fclose lua_shim_fclose
#define fread lua_shim_fread
#define fwrite lua_shim_fwrite
#define getc lua_shim_getc
#define fgetc lua_shim_getc
#define ungetc lua_shim_ungetc
#define fgets lua_shim_fgets
#define fputs lua_shim_fputs
#define fflush lua_shim_fflush
#define ferror lua_shim_ferror
#define feof lua_shim_feof
#define clearerr lua_shim_clearerr
#define fseek lua_shim_fseek
#define ftell lua_shim_ftell
#define setvbuf lua_shim_setvbuf
#define fprintf lua_shim_fprintf
#define vfprintf lua_shim_vfprintf
#define tmpnam lua_shim_tmpnam
#define remove lua_shim_remove
#define rename lua_shim_rename
#define getenv lua_shim_getenv
#define system lua_shim_system

#endif
