/* errno.h for wasm32-unknown-unknown (lua-sys libc shim). Single-threaded: a plain global. */
#ifndef LUA_SHIM_ERRNO_H
#define LUA_SHIM_ERRNO_H

extern int errno;

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define EBADF 9
#define ENOMEM 12
#define EACCES 13
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ESPIPE 29
#define EDOM 33
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39

#endif
