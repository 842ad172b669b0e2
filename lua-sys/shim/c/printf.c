/* The printf family for the shim. C owns what varargs force on it: walking the format and
 * fetching each argument with va_arg. Rust (src/shim/format.rs) formats each argument exactly
 * as glibc does, and calls lua_shim_sink_put with the bytes. */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

/* Where formatted bytes go: a bounded buffer (snprintf) or a file (fprintf). */
struct lua_shim_sink {
  char *buf;
  size_t cap;
  size_t len; /* bytes produced so far, including those that did not fit */
  FILE *file;
  int failed; /* a write to the file came up short */
};

/* Mirrors `Spec` in src/shim/glue.rs field by field. */
struct lua_shim_spec {
  size_t width;
  size_t precision;
  unsigned char has_precision, left, plus, space, alt, zero, conv;
};

enum lua_shim_arg_kind { ARG_SIGNED, ARG_UNSIGNED, ARG_FLOAT, ARG_CHAR, ARG_STR, ARG_POINTER };

/* In Rust: formats one argument and feeds it to lua_shim_sink_put. */
void lua_shim_format_arg(const struct lua_shim_spec *spec, int kind, long long integer,
                         double number, const char *string, struct lua_shim_sink *sink);

void lua_shim_sink_put(struct lua_shim_sink *sink, const char *bytes, size_t n) {
  if (sink->file) {
    if (fwrite(bytes, 1, n, sink->file) != n) sink->failed = 1;
  } else {
    for (size_t i = 0; i < n; i++)
      if (sink->len + i + 1 < sink->cap) sink->buf[sink->len + i] = bytes[i];
  }
  sink->len += n;
}

static int is_flag(char c) { return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0'; }

static size_t read_count(const char **p) {
  size_t n = 0;
  while (**p >= '0' && **p <= '9') n = n * 10 + (size_t)(*(*p)++ - '0');
  return n;
}

/* Fetches the argument of one conversion, applying the length modifier (hh h l ll j z t). */
static void format_one(struct lua_shim_spec *spec, const char *len, va_list *ap,
                       struct lua_shim_sink *sink) {
  long long integer = 0;
  double number = 0;
  const char *string = 0;
  int kind;
  switch (spec->conv) {
    case 'd': case 'i':
      kind = ARG_SIGNED;
      if (len[0] == 'l' && len[1] == 'l') integer = va_arg(*ap, long long);
      else if (len[0] == 'l') integer = va_arg(*ap, long);
      else if (len[0] == 'j') integer = va_arg(*ap, intmax_t);
      else if (len[0] == 'z' || len[0] == 't') integer = va_arg(*ap, long);
      else if (len[0] == 'h' && len[1] == 'h') integer = (signed char)va_arg(*ap, int);
      else if (len[0] == 'h') integer = (short)va_arg(*ap, int);
      else integer = va_arg(*ap, int);
      break;
    case 'u': case 'x': case 'X': case 'o':
      kind = ARG_UNSIGNED;
      if (len[0] == 'l' && len[1] == 'l') integer = (long long)va_arg(*ap, unsigned long long);
      else if (len[0] == 'l') integer = (long long)va_arg(*ap, unsigned long);
      else if (len[0] == 'j') integer = (long long)va_arg(*ap, uintmax_t);
      else if (len[0] == 'z' || len[0] == 't') integer = (long long)va_arg(*ap, size_t);
      else if (len[0] == 'h' && len[1] == 'h') integer = (unsigned char)va_arg(*ap, unsigned);
      else if (len[0] == 'h') integer = (unsigned short)va_arg(*ap, unsigned);
      else integer = va_arg(*ap, unsigned);
      break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
      kind = ARG_FLOAT;
      number = va_arg(*ap, double);
      break;
    case 'c':
      kind = ARG_CHAR;
      integer = (unsigned char)va_arg(*ap, int);
      break;
    case 's':
      kind = ARG_STR;
      string = va_arg(*ap, const char *);
      if (!string) string = "(null)";
      break;
    case 'p':
      kind = ARG_POINTER;
      integer = (long long)(uintptr_t)va_arg(*ap, void *);
      break;
    default: /* unknown conversion: print it as glibc does, verbatim */
      lua_shim_sink_put(sink, "%", 1);
      lua_shim_sink_put(sink, (const char *)&spec->conv, 1);
      return;
  }
  lua_shim_format_arg(spec, kind, integer, number, string, sink);
}

static void format_all(const char *fmt, va_list ap, struct lua_shim_sink *sink) {
  va_list args;
  va_copy(args, ap);
  for (const char *p = fmt; *p;) {
    if (*p != '%') {
      const char *start = p;
      while (*p && *p != '%') p++;
      lua_shim_sink_put(sink, start, (size_t)(p - start));
      continue;
    }
    p++;
    if (*p == '%') {
      lua_shim_sink_put(sink, "%", 1);
      p++;
      continue;
    }
    struct lua_shim_spec spec = {0};
    for (; is_flag(*p); p++) {
      if (*p == '-') spec.left = 1;
      if (*p == '+') spec.plus = 1;
      if (*p == ' ') spec.space = 1;
      if (*p == '#') spec.alt = 1;
      if (*p == '0') spec.zero = 1;
    }
    if (*p == '*') {
      int w = (p++, va_arg(args, int));
      if (w < 0) spec.left = 1, w = -w;
      spec.width = (size_t)w;
    } else {
      spec.width = read_count(&p);
    }
    if (*p == '.') {
      p++;
      if (*p == '*') {
        int prec = (p++, va_arg(args, int));
        spec.has_precision = prec >= 0;
        spec.precision = prec < 0 ? 0 : (size_t)prec;
      } else {
        spec.has_precision = 1;
        spec.precision = read_count(&p);
      }
    }
    char len[3] = {0};
    for (int i = 0; i < 2 && (*p == 'h' || *p == 'l' || *p == 'j' || *p == 'z' || *p == 't' ||
                              *p == 'L'); i++)
      len[i] = *p++;
    if (!*p) break;
    spec.conv = (unsigned char)*p++;
    format_one(&spec, len, &args, sink);
  }
  va_end(args);
}

static int finish(struct lua_shim_sink *sink) {
  if (sink->cap > 0) sink->buf[sink->len < sink->cap ? sink->len : sink->cap - 1] = 0;
  return sink->len > INT32_MAX ? -1 : (int)sink->len;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap) {
  struct lua_shim_sink sink = {buf, size, 0, 0, 0};
  format_all(fmt, ap, &sink);
  return finish(&sink);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

int sprintf(char *restrict buf, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, SIZE_MAX, fmt, ap);
  va_end(ap);
  return n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) {
  struct lua_shim_sink sink = {0, 0, 0, f, 0};
  format_all(fmt, ap, &sink);
  return sink.failed || sink.len > INT32_MAX ? -1 : (int)sink.len;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}

int printf(const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return n;
}
