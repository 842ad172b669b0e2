/* time.h for wasm32-unknown-unknown (lua-sys libc shim). The sandbox has no time zone:
 * local time is UTC. The clocks come from the host through lua-sys's clock hook. */
#ifndef LUA_SHIM_TIME_H
#define LUA_SHIM_TIME_H

#include <stddef.h>

typedef long long time_t;
typedef long long clock_t;
#define CLOCKS_PER_SEC 1000000LL

struct tm {
  int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};

time_t time(time_t *t);
clock_t clock(void);
double difftime(time_t end, time_t start);
time_t mktime(struct tm *tm);
struct tm *gmtime(const time_t *t);
struct tm *localtime(const time_t *t);
size_t strftime(char *restrict s, size_t max, const char *restrict fmt, const struct tm *restrict tm);

#endif
