/*
 * comment.h — comment lines as `format` writes them.
 */
#ifndef REFRACT_FORMAT_COMMENT_H
#define REFRACT_FORMAT_COMMENT_H

#include "../util/buf.h"

/* Calls `line(ctx, text)` for each output line of a comment as written in
 * the source. A `//` or `///` comment is one line, kept as written (trailing
 * spaces included, a CR dropped). A block comment is rewritten as Prisma
 * does: an opening line of slash and two stars, then ` * text` for every
 * non-empty line of its content (trimmed, a leading star removed), then a
 * closing line of space, star and slash. */
void comment_lines(const char *comment, void (*line)(void *ctx, const char *text), void *ctx);

/* Drop one trailing '\r' from `b` (the rest of a CRLF line end). */
void comment_trim_cr(buf *b);

#endif
