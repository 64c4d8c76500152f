/*
 * format.h — `refract format`: one schema file in Prisma's canonical layout.
 *
 * The layout is the one `prisma format` writes (Prisma 7), minus its
 * semantic completion (Prisma also adds missing back-relation fields and
 * @relation arguments; refract only rearranges what is written):
 *
 *  - two-space indent; one blank line between top-level blocks; no blank
 *    lines at the start or end of a file or block; runs of blank lines
 *    become one; exactly one trailing newline; LF line ends (CRLF input
 *    comes out as LF, as with Prisma);
 *  - inside a block, lines between blank lines form one table whose
 *    columns (field name, type, attributes; enum value, attributes;
 *    property name, `= value`) are aligned; comment lines stay in the
 *    table without breaking it; trailing comments follow their line after
 *    one space, unaligned;
 *  - block attributes (`@@...`) move to the end of the block after one blank
 *    line, taking along the comment lines directly above them, sorted as
 *    Prisma sorts them (@@id, @@unique, @@index, @@fulltext, @@map,
 *    @@ignore, then the others in source order); a field's attributes are
 *    sorted the same way (@id, @unique, @default, @updatedAt, ..., @map,
 *    @relation, @ignore, then the others, e.g. @db.*);
 *  - a comment after a block's `{` stays there (Prisma drops it); one after
 *    its `}` becomes a comment line below the block, after a blank line
 *    (Prisma's layout once it is run twice: its first run omits the blank);
 *  - doc comments (`///`) stay on the lines above their node; block comments
 *    are rewritten the way Prisma writes them: an opening line of slash and
 *    two stars, ` * text` for each non-empty line, a closing ` *` and slash.
 *
 * Formatting never changes what the schema means: format_same_meaning()
 * states precisely what must be kept, and the command checks it on every
 * file before writing.
 */
#ifndef REFRACT_FORMAT_H
#define REFRACT_FORMAT_H

#include <stdbool.h>

#include "../parse/ast.h"
#include "../util/buf.h"

/* The canonical text of one parsed file. Heap string; the caller frees it. */
char *format_source(const ast_source *src);

/* Whether `a` and `b` (two parses of one file, e.g. before and after
 * formatting) describe the same schema with the same comments: the same
 * blocks in order, the same fields, values and properties in order with the
 * same types, attributes (in Prisma's sorted order) and literal values, the
 * same block attributes, and the same comments and doc comments. Positions,
 * blank lines and spacing are ignored. When they differ and `why` is not
 * NULL, a sentence saying where is appended to it. */
bool format_same_meaning(const ast_source *a, const ast_source *b, buf *why);

#endif
