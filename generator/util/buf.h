/*
 * buf.h — a growable byte buffer on the heap, always NUL-terminated.
 *
 * Used to render text (formatted schemas, SQL, emitted C). The caller owns
 * `data` and releases it with buf_free(), or takes it with buf_steal().
 */
#ifndef REFRACT_BUF_H
#define REFRACT_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

#define BUF_INIT {0}

void buf_put(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_pad(buf *b, char c, size_t n); /* append n copies of c */
void buf_truncate(buf *b, size_t len);
/* A JSON string literal of s[0..n), escaped; buf_put_json writes `null`
 * for a NULL s. */
void buf_put_json_n(buf *b, const char *s, size_t n);
void buf_put_json(buf *b, const char *s);
const char *buf_cstr(buf *b); /* never NULL */
char *buf_steal(buf *b);      /* heap string the caller frees; b is reset */
void buf_free(buf *b);

#endif
