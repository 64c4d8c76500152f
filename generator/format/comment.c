#include "comment.h"

#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void comment_trim_cr(buf *b)
{
    if (b->len > 0 && b->data[b->len - 1] == '\r')
        buf_truncate(b, b->len - 1);
}

static void block_comment_lines(const char *text, size_t len,
                                void (*line)(void *ctx, const char *text), void *ctx)
{
    /* The content between the delimiters (an unterminated comment cannot
     * reach here: the parser rejects it). */
    const char *p = text + 2, *end = text + len;
    if (len >= 4 && end[-2] == '*' && end[-1] == '/')
        end -= 2;

    buf out = BUF_INIT;
    line(ctx, "/**");
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        const char *s = p, *e = stop;
        while (s < e && is_space(*s))
            s++;
        while (e > s && is_space(e[-1]))
            e--;
        if (s < e && *s == '*') {
            s++;
            while (s < e && is_space(*s))
                s++;
        }
        if (s < e) {
            buf_truncate(&out, 0);
            buf_puts(&out, " * ");
            buf_put(&out, s, (size_t)(e - s));
            line(ctx, buf_cstr(&out));
        }
        p = nl ? nl + 1 : end;
    }
    line(ctx, " */");
    buf_free(&out);
}

void comment_lines(const char *comment, void (*line)(void *ctx, const char *text), void *ctx)
{
    size_t len = strlen(comment);
    if (len >= 2 && comment[0] == '/' && comment[1] == '*') {
        block_comment_lines(comment, len, line, ctx);
        return;
    }
    buf b = BUF_INIT;
    buf_puts(&b, comment);
    comment_trim_cr(&b);
    line(ctx, buf_cstr(&b));
    buf_free(&b);
}
