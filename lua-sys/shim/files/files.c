/* C's FILE for Lua, on every target. A FILE is a standard stream (fd 0-2, served by the Lua
 * state that is running) or a stream of the embedder's file system; both are reached through
 * the lua_shim_host_* functions in Rust (src/files.rs). Writes to files are buffered as C
 * buffers them (fully by default; setvbuf picks line or no buffering), so another handle sees
 * them after a flush; the standard streams are unbuffered, so output reaches the embedder at
 * once. Reads are not buffered beyond ungetc's one byte. Errors set errno from the host's codes. */

#include <errno.h>
#include <string.h>

#include "lua_shim_files.h"

struct lua_shim_file {
  void *stream; /* host stream; NULL for a standard stream */
  int fd;       /* 0, 1 or 2 for a standard stream, else -1 */
  int pending;  /* the byte ungetc pushed back, or EOF */
  int eof, error;
  int writable; /* opened for writing (checked before buffering, as the C library does) */
  int mode;     /* _IOFBF, _IOLBF or _IONBF */
  char *buf;    /* write buffer of `cap` bytes (allocated at the first buffered write) */
  size_t cap, len;
};

/* In Rust (src/files.rs). `err` receives one of the host codes below on failure. */
void *lua_shim_host_open(const char *path, const char *mode, int *err);
size_t lua_shim_host_read(void *stream, int fd, char *buf, size_t n, int *err);
size_t lua_shim_host_write(void *stream, int fd, const char *buf, size_t n, int *err);
long long lua_shim_host_seek(void *stream, long long offset, int whence, int *err);
void lua_shim_host_close(void *stream);
int lua_shim_host_remove(const char *path, int *err);
int lua_shim_host_rename(const char *from, const char *to, int *err);
size_t lua_shim_host_temp_name(char *buf, size_t size, int *err);
char *lua_shim_host_getenv(const char *name);
void *lua_shim_host_alloc(size_t size);
void lua_shim_host_free(void *p, size_t size);

/* The host's error codes (lua_sys::host::FsError), as this C library's errno values. */
static int to_errno(int code) {
  switch (code) {
    case 1: return ENOENT;
    case 2: return EEXIST;
    case 3: return EISDIR;
    case 4: return ENOTDIR;
    case 5: return ENOTEMPTY;
    case 6: return ENOMEM;
    case 7: return EINVAL;
    case 8: return EBADF;
    case 9: return ESPIPE;
    case 10: return EPERM;
    case 11: return ENAMETOOLONG;
    default: return EIO;
  }
}

static int fail(int code) {
  errno = to_errno(code);
  return -1;
}

/* The standard streams: one set per thread, as the host's "running state" is per thread. */
#ifdef __wasm__
#define THREAD_LOCAL /* one thread */
#else
#define THREAD_LOCAL _Thread_local
#endif
static THREAD_LOCAL struct lua_shim_file standard[3] = {
    {0, 0, EOF, 0, 0, 0, _IONBF, 0, 0, 0}, {0, 1, EOF, 0, 0, 1, _IONBF, 0, 0, 0}, {0, 2, EOF, 0, 0, 1, _IONBF, 0, 0, 0}};

lua_shim_FILE *lua_shim_stdio(int fd) { return &standard[fd]; }

/* Clears what stdin holds for the state that ran (end of file, a byte ungetc pushed back);
 * returns whether a byte was pushed back, which that state's host then reads again. */
int lua_shim_reset_stdin(void) {
  int pushed_back = standard[0].pending != EOF;
  standard[0].pending = EOF;
  standard[0].eof = standard[0].error = 0;
  return pushed_back;
}

static int opens_for_writing(const char *mode) { return mode[0] != 'r' || strchr(mode, '+'); }

static lua_shim_FILE *wrap(void *stream, const char *mode) {
  lua_shim_FILE *f = lua_shim_host_alloc(sizeof *f);
  if (!f) {
    lua_shim_host_close(stream);
    errno = ENOMEM;
    return 0;
  }
  f->stream = stream;
  f->fd = -1;
  f->pending = EOF;
  f->eof = f->error = 0;
  f->writable = opens_for_writing(mode);
  f->mode = _IOFBF;
  f->buf = 0;
  f->cap = BUFSIZ;
  f->len = 0;
  return f;
}

/* Writes the buffered bytes out; 0, or EOF with the error set. */
static int flush_buffer(lua_shim_FILE *f) {
  int err = 0;
  if (f->len == 0) return 0;
  size_t written = lua_shim_host_write(f->stream, f->fd, f->buf, f->len, &err);
  f->len = 0;
  if (written == 0) {
    f->error = 1;
    fail(err);
    return EOF;
  }
  return 0;
}

static void drop_buffer(lua_shim_FILE *f) {
  if (f->buf) lua_shim_host_free(f->buf, f->cap);
  f->buf = 0;
  f->len = 0;
}

lua_shim_FILE *lua_shim_fopen(const char *path, const char *mode) {
  int err = 0;
  void *stream = lua_shim_host_open(path, mode, &err);
  if (!stream) return (fail(err), (lua_shim_FILE *)0);
  return wrap(stream, mode);
}

lua_shim_FILE *lua_shim_tmpfile(void) { return lua_shim_fopen(0, "w+"); }

/* Lua reopens a file only to read it again in binary mode (luaL_loadfilex), which for these
 * files is the same bytes: rewind. Standard streams cannot be reopened. */
lua_shim_FILE *lua_shim_freopen(const char *path, const char *mode, lua_shim_FILE *f) {
  if (f->fd >= 0) return (fail(10), (lua_shim_FILE *)0);
  flush_buffer(f);
  if (path) {
    int err = 0;
    void *stream = lua_shim_host_open(path, mode, &err);
    if (!stream) { /* as in C, the old stream is closed either way */
      lua_shim_fclose(f);
      return (fail(err), (lua_shim_FILE *)0);
    }
    lua_shim_host_close(f->stream);
    f->stream = stream;
    f->writable = opens_for_writing(mode);
  } else {
    lua_shim_fseek(f, 0, SEEK_SET);
  }
  f->pending = EOF;
  f->eof = f->error = 0;
  return f;
}

int lua_shim_fclose(lua_shim_FILE *f) {
  if (f->fd >= 0) return 0; /* Lua never closes the standard streams (io_noclose) */
  int status = flush_buffer(f);
  drop_buffer(f);
  lua_shim_host_close(f->stream);
  lua_shim_host_free(f, sizeof *f);
  return status;
}

size_t lua_shim_fread(void *p, size_t size, size_t n, lua_shim_FILE *f) {
  size_t want = size * n, got = 0;
  char *out = p;
  if (size == 0 || n == 0) return 0;
  if (flush_buffer(f) != 0) return 0;
  if (f->pending != EOF) {
    out[got++] = (char)f->pending;
    f->pending = EOF;
  }
  while (got < want) {
    int err = 0;
    size_t r = lua_shim_host_read(f->stream, f->fd, out + got, want - got, &err);
    if (err) {
      f->error = 1;
      fail(err);
      break;
    }
    if (r == 0) {
      f->eof = 1;
      break;
    }
    got += r;
  }
  return got / size;
}

/* Writes straight to the stream (after what is buffered). */
static size_t write_through(lua_shim_FILE *f, const char *p, size_t n) {
  int err = 0;
  if (flush_buffer(f) != 0) return 0;
  size_t written = lua_shim_host_write(f->stream, f->fd, p, n, &err);
  if (written < n) {
    f->error = 1;
    fail(err);
  }
  return written;
}

size_t lua_shim_fwrite(const void *p, size_t size, size_t n, lua_shim_FILE *f) {
  size_t want = size * n;
  int err = 0;
  if (want == 0) return 0;
  if (!f->writable) {
    f->error = 1;
    errno = EBADF;
    return 0;
  }
  if (f->pending != EOF && f->fd < 0) { /* the pushed-back byte was never consumed */
    f->pending = EOF;
    lua_shim_host_seek(f->stream, -1, SEEK_CUR, &err);
  }
  if (f->fd >= 0 || f->mode == _IONBF || want >= f->cap) return write_through(f, p, want) / size;
  if (!f->buf) {
    f->buf = lua_shim_host_alloc(f->cap);
    if (!f->buf) return write_through(f, p, want) / size;
  }
  if (f->len + want > f->cap && flush_buffer(f) != 0) return 0;
  memcpy(f->buf + f->len, p, want);
  f->len += want;
  if (f->mode == _IOLBF && memchr(p, '\n', want) && flush_buffer(f) != 0) return 0;
  return n;
}

int lua_shim_getc(lua_shim_FILE *f) {
  unsigned char byte;
  return lua_shim_fread(&byte, 1, 1, f) == 1 ? byte : EOF;
}

int lua_shim_ungetc(int c, lua_shim_FILE *f) {
  if (c == EOF || f->pending != EOF) return EOF;
  f->pending = (unsigned char)c;
  f->eof = 0;
  return f->pending;
}

char *lua_shim_fgets(char *s, int n, lua_shim_FILE *f) {
  int i = 0;
  while (i < n - 1) {
    int c = lua_shim_getc(f);
    if (c == EOF) break;
    s[i++] = (char)c;
    if (c == '\n') break;
  }
  if (i == 0) return 0;
  s[i] = 0;
  return s;
}

int lua_shim_fputs(const char *s, lua_shim_FILE *f) {
  size_t n = strlen(s);
  return lua_shim_fwrite(s, 1, n, f) == n ? 0 : EOF;
}

int lua_shim_fflush(lua_shim_FILE *f) { return f->fd >= 0 ? 0 : flush_buffer(f); }
int lua_shim_ferror(lua_shim_FILE *f) { return f->error; }
int lua_shim_feof(lua_shim_FILE *f) { return f->eof; }
void lua_shim_clearerr(lua_shim_FILE *f) { f->eof = f->error = 0; }

int lua_shim_fseek(lua_shim_FILE *f, long offset, int whence) {
  int err = 0;
  if (f->fd >= 0) return fail(9);
  if (flush_buffer(f) != 0) return -1;
  if (whence == SEEK_CUR && f->pending != EOF) offset -= 1;
  f->pending = EOF;
  if (lua_shim_host_seek(f->stream, offset, whence, &err) < 0) return fail(err);
  f->eof = 0;
  return 0;
}

long lua_shim_ftell(lua_shim_FILE *f) {
  int err = 0;
  if (f->fd >= 0) return fail(9);
  if (flush_buffer(f) != 0) return -1;
  long long at = lua_shim_host_seek(f->stream, 0, SEEK_CUR, &err);
  if (at < 0) return fail(err);
  return (long)(at - (f->pending != EOF));
}

/* The buffer is always this library's own (`buf` is ignored), from the embedder's heap and at
 * most MAX_BUFFER bytes (a script's setvbuf must not reserve memory outside its limit); the
 * standard streams stay unbuffered. */
#define MAX_BUFFER 65536
int lua_shim_setvbuf(lua_shim_FILE *f, char *buf, int mode, size_t size) {
  (void)buf;
  if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) return -1;
  if (f->fd >= 0) return 0;
  if (flush_buffer(f) != 0) return -1;
  drop_buffer(f);
  f->mode = mode;
  f->cap = size == 0 ? BUFSIZ : size > MAX_BUFFER ? MAX_BUFFER : size;
  return 0;
}

char *lua_shim_tmpnam(char *s) {
  static THREAD_LOCAL char name[L_tmpnam];
  char *out = s ? s : name;
  int err = 0;
  if (lua_shim_host_temp_name(out, L_tmpnam, &err) == 0) return (fail(err), (char *)0);
  return out;
}

int lua_shim_remove(const char *path) {
  int err = 0;
  return lua_shim_host_remove(path, &err) == 0 ? 0 : fail(err);
}

int lua_shim_rename(const char *from, const char *to) {
  int err = 0;
  return lua_shim_host_rename(from, to, &err) == 0 ? 0 : fail(err);
}

char *lua_shim_getenv(const char *name) { return lua_shim_host_getenv(name); }

/* There is no shell: system(NULL) says so, and a command fails. */
int lua_shim_system(const char *command) {
  if (!command) return 0;
  return fail(10);
}

#ifndef __wasm__
/* On wasm32 the shim's printf.c formats into FILEs; natively the C library formats. */
int lua_shim_vfprintf(lua_shim_FILE *f, const char *fmt, va_list ap) {
  char small[256];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) {
    va_end(again);
    return n;
  }
  if ((size_t)n < sizeof small) {
    va_end(again);
    return lua_shim_fwrite(small, 1, n, f) == (size_t)n ? n : -1;
  }
  char *big = lua_shim_host_alloc((size_t)n + 1);
  if (!big) {
    va_end(again);
    errno = ENOMEM;
    return -1;
  }
  vsnprintf(big, (size_t)n + 1, fmt, again);
  va_end(again);
  size_t written = lua_shim_fwrite(big, 1, n, f);
  lua_shim_host_free(big, (size_t)n + 1);
  return written == (size_t)n ? n : -1;
}

int lua_shim_fprintf(lua_shim_FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = lua_shim_vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}
#endif
