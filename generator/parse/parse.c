/*
 * parse.c — reading schema files (one file or a folder of them) into an
 * ast_schema with the flex scanner and bison parser.
 */
#include "parse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse_state.h"
#include "parser.h"
#include "lexer.h"

/* ast_loc offsets are 32-bit; real schemas are far smaller than this. */
enum { PARSE_MAX_FILE = 256u * 1024 * 1024 };

void parse_error(parse_state *st, ast_loc loc, const char *fmt, ...)
{
    /* A line full of mistakes (say, a megabyte of bad escapes) yields a few
     * errors, not one per mistake. */
    if (loc.file && st->reported_line == loc.line && st->line_errors >= PARSE_MAX_LINE_ERRORS)
        return;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = arena_alloc(st->arena, n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    diag_error(st->diags, loc, "%s", msg);
    st->nerrors++;
    if (loc.file) {
        st->line_errors = st->reported_line == loc.line ? st->line_errors + 1 : 1;
        st->reported_line = loc.line;
    }
}

ast_loc parse_line_loc(const parse_state *st, ast_loc loc)
{
    const char *t = st->file->text;
    size_t len = st->file->len;
    size_t at = loc.start <= len ? loc.start : len;
    size_t begin = at;
    while (begin > 0 && t[begin - 1] != '\n' && t[begin - 1] != '\r')
        begin--;
    size_t end = at;
    while (end < len && t[end] != '\n' && t[end] != '\r')
        end++;
    while (end > at && (t[end - 1] == ' ' || t[end - 1] == '\t'))
        end--; /* trailing blanks are not part of what is wrong */
    size_t first = begin;
    while (first < end && (t[first] == ' ' || t[first] == '\t'))
        first++;
    if (first == end)
        first = begin;
    ast_loc line = loc;
    line.file = st->file;
    line.start = (uint32_t)first;
    line.end = (uint32_t)end;
    line.col = (uint32_t)(first - begin) + 1;
    line.end_line = line.line;
    line.end_col = (uint32_t)(end - begin) + 1;
    return line;
}

/* Arrays in the arena grow by doubling when their count is 0 or a power of
 * two, so no capacity needs to be stored. */
static void *grow(arena *a, void *items, size_t count, size_t size)
{
    if (count && (count & (count - 1)))
        return items;
    size_t cap = count ? count * 2 : 4;
    return arena_realloc(a, items, count * size, cap * size);
}

static ast_source *add_source(ast_schema *schema, ast_file file)
{
    schema->sources = grow(&schema->arena, schema->sources, schema->nsources, sizeof *schema->sources);
    ast_source *src = &schema->sources[schema->nsources++];
    *src = (ast_source){.file = file};
    return src;
}

size_t parse_text(ast_schema *schema, const char *path, const char *text, size_t len, diag_list *diags)
{
    arena *a = &schema->arena;
    /* Locations point at this copy, which never moves (the sources array may). */
    ast_file *file = arena_alloc(a, sizeof *file);
    file->path = arena_strdup(a, path);
    file->text = arena_strndup(a, text, len);
    file->len = len;

    parse_state st = {.arena = a, .file = file, .diags = diags, .line = 1, .col = 1};
    if (len > PARSE_MAX_FILE) {
        parse_error(&st, (ast_loc){0}, "%s: the file is too large to be a schema (%zu bytes).", path, len);
        add_source(schema, *file);
        return st.nerrors;
    }

    yyscan_t scanner;
    if (psllex_init_extra(&st, &scanner) != 0) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    st.scanner = scanner;
    psl_scan_bytes(file->text, (int)len, scanner);
    yyparse(&st);
    psllex_destroy(scanner);

    if (st.error_pending) /* the input ended inside a broken line */
        parse_error(&st, parse_line_loc(&st, st.error_loc),
                    "Error validating: This line is invalid. It does not start with any known Prisma "
                    "schema keyword.");
    if (st.block) { /* parsing stopped inside a block: keep what was read */
        ast_block *b = st.block;
        ast_item item = {.kind = AST_ITEM_BLOCK, .block = b, .loc = b->loc};
        ARENA_PUSH(a, st.items, st.nitems, st.items_cap, item);
    }
    for (size_t i = 0; i < st.ndocs; i++) { /* `///` lines after the last block */
        ast_item item = {.kind = AST_ITEM_COMMENT, .comment = st.docs[i].text, .loc = st.doc_locs[i]};
        ARENA_PUSH(a, st.items, st.nitems, st.items_cap, item);
    }

    ast_source *src = add_source(schema, *file);
    src->items = st.items;
    src->nitems = st.nitems;
    for (size_t i = 0; i < st.nitems; i++) {
        if (st.items[i].kind != AST_ITEM_BLOCK)
            continue;
        schema->blocks = grow(a, schema->blocks, schema->nblocks, sizeof *schema->blocks);
        schema->blocks[schema->nblocks++] = st.items[i].block;
    }
    return st.nerrors;
}

/* ---- files and folders ------------------------------------------------------ */

typedef struct path_list {
    char **items;
    size_t count, cap;
} path_list;

static void path_list_add(path_list *l, char *p)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        char **items = realloc(l->items, l->cap * sizeof *items);
        if (!items) {
            fputs("refract: out of memory\n", stderr);
            abort();
        }
        l->items = items;
    }
    l->items[l->count++] = p;
}

static void path_list_free(path_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    bool slash = n > 0 && dir[n - 1] == '/';
    size_t size = n + (slash ? 0 : 1) + strlen(name) + 1;
    char *p = malloc(size);
    if (!p) {
        fputs("refract: out of memory\n", stderr);
        abort();
    }
    snprintf(p, size, "%s%s%s", dir, slash ? "" : "/", name);
    return p;
}

static bool has_prisma_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 7 && !strcmp(name + n - 7, ".prisma");
}

enum { MAX_FOLDER_DEPTH = 32 };

/* Every *.prisma file below `dir`. Folders nested absurdly deep (a symlink
 * loop) are not followed further. */
static void collect(const char *dir, int depth, path_list *out, diag_list *diags, size_t *nerrors)
{
    DIR *d = opendir(dir);
    if (!d) {
        diag_error(diags, (ast_loc){0}, "Could not read the folder %s: %s", dir, strerror(errno));
        (*nerrors)++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = join_path(dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) {
            free(p);
            continue;
        }
        if (S_ISDIR(st.st_mode) && depth < MAX_FOLDER_DEPTH) {
            collect(p, depth + 1, out, diags, nerrors);
            free(p);
        } else if (S_ISREG(st.st_mode) && has_prisma_suffix(e->d_name)) {
            path_list_add(out, p);
        } else {
            free(p);
        }
    }
    closedir(d);
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t parse_file(ast_schema *schema, const char *path, diag_list *diags)
{
    /* Non-blocking open, then fstat: a FIFO named schema.prisma must be
     * refused, not waited on forever (and no window between check and read). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        diag_error(diags, (ast_loc){0}, "Could not open the schema file %s: %s", path, strerror(errno));
        return 1;
    }
    struct stat fst;
    if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
        diag_error(diags, (ast_loc){0}, "Could not read the schema file %s: %s", path,
                   S_ISDIR(fst.st_mode) ? "it is a directory, not a regular file"
                   : S_ISFIFO(fst.st_mode) ? "it is a FIFO, not a regular file"
                                            : "it is not a regular file");
        close(fd);
        return 1;
    }
    /* Regular files never block: back to ordinary blocking reads. */
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        diag_error(diags, (ast_loc){0}, "Could not open the schema file %s: %s", path, strerror(errno));
        close(fd);
        return 1;
    }
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(data, cap);
            if (!p) {
                fputs("refract: out of memory\n", stderr);
                abort();
            }
            data = p;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    bool failed = ferror(f);
    int err = errno;
    fclose(f);
    if (failed) {
        free(data);
        diag_error(diags, (ast_loc){0}, "Could not read the schema file %s: %s", path, strerror(err));
        return 1;
    }
    size_t n = parse_text(schema, path, data, len, diags);
    free(data);
    return n;
}

size_t parse_path(ast_schema *schema, const char *path, diag_list *diags)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        diag_error(diags, (ast_loc){0}, "Could not find a schema at %s: %s", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return parse_file(schema, path, diags);

    size_t nerrors = 0;
    path_list files = {0};
    collect(path, 0, &files, diags, &nerrors);
    if (files.count == 0) {
        diag_error(diags, (ast_loc){0}, "The folder %s holds no .prisma files.", path);
        path_list_free(&files);
        return nerrors + 1;
    }
    qsort(files.items, files.count, sizeof *files.items, compare_paths);
    for (size_t i = 0; i < files.count; i++)
        nerrors += parse_file(schema, files.items[i], diags);
    path_list_free(&files);
    return nerrors;
}

void ast_schema_free(ast_schema *schema)
{
    arena_free(&schema->arena);
    *schema = (ast_schema){0};
}
