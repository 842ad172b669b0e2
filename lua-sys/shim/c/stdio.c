/* Files for the shim. The sandbox has no file system: stdin is always at end of file, stdout
 * and stderr write to the output of the Lua state that is running (lua_shim_write, in Rust),
 * and every call that would open, create or remove a file fails with EPERM, which Lua turns
 * into `nil, "<name>: Operation not permitted in the Lua sandbox"`. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

int errno;

struct lua_shim_file {
  int fd; /* 0 stdin, 1 stdout, 2 stderr */
  int error;
  int eof;
};

static struct lua_shim_file standard_files[3] = {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}};
FILE *const stdin = &standard_files[0];
FILE *const stdout = &standard_files[1];
FILE *const stderr = &standard_files[2];

/* In Rust (src/shim/output.rs): appends to the running state's output. */
void lua_shim_write(int fd, const char *bytes, size_t n);

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f) {
  if (f->fd == 0) {
    f->error = 1;
    errno = EBADF;
    return 0;
  }
  lua_shim_write(f->fd, p, size * n);
  return n;
}

int fputs(const char *restrict s, FILE *restrict f) {
  return fwrite(s, 1, strlen(s), f) == strlen(s) ? 0 : EOF;
}

int fputc(int c, FILE *f) {
  unsigned char byte = (unsigned char)c;
  return fwrite(&byte, 1, 1, f) == 1 ? byte : EOF;
}

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f) {
  (void)p, (void)size, (void)n;
  if (f->fd == 0) f->eof = 1;
  else f->error = 1;
  return 0;
}

int getc(FILE *f) {
  if (f->fd == 0) f->eof = 1;
  else f->error = 1;
  return EOF;
}

int fgetc(FILE *f) { return getc(f); }
/* Nothing is ever read, so nothing can be pushed back. */
int ungetc(int c, FILE *f) { (void)c, (void)f; return EOF; }

char *fgets(char *restrict s, int n, FILE *restrict f) {
  (void)s, (void)n;
  getc(f);
  return 0;
}

int fflush(FILE *f) { (void)f; return 0; }
int ferror(FILE *f) { return f->error; }
int feof(FILE *f) { return f->eof; }
void clearerr(FILE *f) { f->error = f->eof = 0; }

int fseek(FILE *f, long offset, int whence) {
  (void)f, (void)offset, (void)whence;
  errno = EBADF;
  return -1;
}

long ftell(FILE *f) {
  (void)f;
  errno = EBADF;
  return -1;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size) {
  (void)f, (void)buf, (void)mode, (void)size;
  return 0;
}

static void *denied(void) {
  errno = EPERM;
  return 0;
}

FILE *fopen(const char *restrict path, const char *restrict mode) {
  (void)path, (void)mode;
  return denied();
}

FILE *freopen(const char *restrict path, const char *restrict mode, FILE *restrict f) {
  (void)path, (void)mode, (void)f;
  return denied();
}

/* Only the standard files exist, and closing them is a no-op as in Lua's io library. */
int fclose(FILE *f) { (void)f; return 0; }
FILE *tmpfile(void) { return denied(); }
char *tmpnam(char *s) { (void)s; return denied(); }
int remove(const char *path) { (void)path; denied(); return -1; }
int rename(const char *from, const char *to) { (void)from, (void)to; denied(); return -1; }
