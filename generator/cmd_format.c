/*
 * cmd_format.c — `refract format`: rewrite the schema in canonical layout.
 *
 * Every file of the schema is parsed first; on any syntax error nothing is
 * written. Each formatted text is parsed again and compared with the
 * original (format_same_meaning) before it may replace anything, so a bug in
 * the formatter shows up as an error, never as a changed schema. Files are
 * replaced only when their text changes, through a temporary file renamed
 * over the original (keeping its permission bits), so a reader never sees a
 * half-written schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "format/format.h"
#include "parse/parse.h"

static const char usage_text[] =
    "Usage: refract format [--schema PATH] [--check] [--stdout]\n"
    "\n"
    "Rewrite the schema in Prisma's canonical layout (alignment, spacing,\n"
    "attribute order). A folder schema formats each of its .prisma files.\n"
    "\n"
    "  --schema PATH  the schema file or folder (default: ./prisma/schema.prisma,\n"
    "                 else ./schema.prisma, else ./prisma/schema)\n"
    "  --check        write nothing; list the files that are not formatted and\n"
    "                 exit 1 if there is any\n"
    "  --stdout       print the formatted schema instead of writing it\n"
    "  --help         this text\n"
    "\n"
    "Exit status: 0 ok (or already formatted), 1 syntax error or unformatted\n"
    "files with --check, 2 usage.\n";

typedef struct format_options {
    const char *schema;
    bool check, to_stdout;
} format_options;

/* Returns -1 when the options are fine, else the exit status. */
static int parse_options(int argc, char **argv, format_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--check")) {
            o->check = true;
        } else if (!strcmp(a, "--stdout")) {
            o->to_stdout = true;
        } else if (!strcmp(a, "--schema")) {
            if (i + 1 >= argc) {
                fputs("error: --schema needs a path\n\n", stderr);
                fputs(usage_text, stderr);
                return EXIT_USAGE;
            }
            o->schema = argv[++i];
        } else if (!strncmp(a, "--schema=", 9)) {
            o->schema = a + 9;
        } else {
            fprintf(stderr, "error: unknown argument '%s'\n\n", a);
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (o->check && o->to_stdout) {
        fputs("error: --check and --stdout exclude each other\n\n", stderr);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* Replace the file `shown_path` names by `text` atomically: a temporary
 * file beside it with the same mode (and owner, when allowed), then rename.
 * A symbolic link is followed, so the link stays a link. Returns false
 * after printing why. */
static bool write_file(const char *shown_path, const char *text, size_t len)
{
    char *path = realpath(shown_path, NULL);
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        fprintf(stderr, "error: %s: %s\n", shown_path, strerror(errno));
        free(path);
        return false;
    }
    size_t n = strlen(path) + sizeof ".refract-XXXXXX";
    char *tmp = malloc(n);
    if (!tmp)
        abort();
    snprintf(tmp, n, "%s.refract-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "error: cannot create a file beside %s: %s\n", shown_path, strerror(errno));
        free(tmp);
        free(path);
        return false;
    }
    if (fchown(fd, st.st_uid, st.st_gid) != 0) {
        /* Only root may give a file away; otherwise the rewritten file
         * belongs to the caller, as after saving it in an editor. */
    }
    bool ok = fchmod(fd, st.st_mode & 07777) == 0;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok)
            done += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    ok = (close(fd) == 0) && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        fprintf(stderr, "error: cannot write %s: %s\n", shown_path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(path);
    return ok;
}

/* The formatted text of one file, or NULL (after saying why) if the result
 * would not parse back to the same schema — a formatter bug. */
static char *format_checked(const ast_source *src)
{
    char *text = format_source(src);
    ast_schema again = {0};
    diag_list diags = DIAG_LIST_INIT;
    buf why = BUF_INIT;
    size_t errors = parse_text(&again, src->file.path, text, strlen(text), &diags);
    if (errors > 0 || again.nsources != 1)
        buf_puts(&why, "the result does not parse");
    else
        format_same_meaning(src, &again.sources[0], &why);
    if (why.len > 0) {
        fprintf(stderr,
                "error: refract format would change the meaning of %s (%s); the file is left "
                "as it is. This is a bug in refract; please report it.\n",
                src->file.path, buf_cstr(&why));
        free(text);
        text = NULL;
    }
    buf_free(&why);
    diag_list_free(&diags);
    ast_schema_free(&again);
    return text;
}

int cmd_format(int argc, char **argv)
{
    format_options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    const char *path = cli_schema_path(o.schema);
    if (!path)
        return EXIT_USER;

    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    parse_path(&schema, path, &diags);
    if (diags.count > 0)
        diag_print(stderr, &diags, cli_color());
    if (diags.nerrors > 0) {
        diag_list_free(&diags);
        ast_schema_free(&schema);
        return EXIT_USER;
    }

    /* Format everything before writing anything. */
    char **texts = calloc(schema.nsources + 1, sizeof *texts);
    if (!texts)
        abort();
    status = EXIT_OK;
    for (size_t i = 0; i < schema.nsources; i++)
        if (!(texts[i] = format_checked(&schema.sources[i])))
            status = EXIT_USER;

    size_t changed = 0;
    for (size_t i = 0; status == EXIT_OK && i < schema.nsources; i++) {
        const ast_file *f = &schema.sources[i].file;
        size_t len = strlen(texts[i]);
        bool same = len == f->len && !memcmp(texts[i], f->text, len);
        if (o.to_stdout) {
            if (schema.nsources > 1)
                printf("%s// %s\n", i > 0 ? "\n" : "", f->path);
            fwrite(texts[i], 1, len, stdout);
        } else if (!same && o.check) {
            printf("%s\n", f->path);
            changed++;
        } else if (!same) {
            if (!write_file(f->path, texts[i], len)) {
                status = EXIT_USER;
                break;
            }
            fprintf(stderr, "Formatted %s\n", f->path);
            changed++;
        }
    }
    if (status == EXIT_OK && o.check && changed > 0) {
        fprintf(stderr, "%zu file%s not formatted; run `refract format` to fix\n", changed,
                changed == 1 ? " is" : "s are");
        status = EXIT_USER;
    } else if (status == EXIT_OK && !o.to_stdout && changed == 0) {
        fprintf(stderr, "%s: already formatted\n", path);
    }

    for (size_t i = 0; i < schema.nsources; i++)
        free(texts[i]);
    free(texts);
    diag_list_free(&diags);
    ast_schema_free(&schema);
    return status;
}
