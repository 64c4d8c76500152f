/*
 * cmd_init.c — `refract init`: start a project, as `prisma init` does.
 *
 * Writes prisma/schema.prisma (a PostgreSQL datasource reading
 * DATABASE_URL, a refract generator block), puts DATABASE_URL in .env and
 * .env in .gitignore, and leaves refract.mk, a Makefile fragment that
 * regenerates and builds the client. An existing schema is never
 * overwritten: init then writes nothing at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "util/buf.h"

#define PLACEHOLDER_URL "postgresql://johndoe:randompassword@localhost:5432/mydb?schema=public"

static void usage(FILE *out)
{
    fputs("Usage: refract init [--url URL] [--output DIR] [--prefix NAME]\n"
          "\n"
          "Start a refract project in the current directory:\n"
          "  prisma/schema.prisma  a PostgreSQL datasource and a refract generator block\n"
          "  .env                  DATABASE_URL (a placeholder unless --url)\n"
          "  .gitignore            .env added, so the password stays out of git\n"
          "  refract.mk            a Makefile fragment building a program on the client\n"
          "Refuses to run when prisma/schema.prisma exists. A .env that already sets\n"
          "DATABASE_URL and an existing refract.mk are left as they are.\n"
          "\n"
          "Options:\n"
          "  --url URL       the database (postgresql://...), written to .env\n"
          "  --output DIR    where `refract generate` writes, relative to prisma/\n"
          "                  (default ../gen)\n"
          "  --prefix NAME   the generated files and names: NAME.h, NAME_user (default db)\n"
          "\n"
          "Exit status: 0 created, 1 a schema exists or a file cannot be written, 2 usage.\n",
          out);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    fclose(f);
    buf_cstr(&b);
    return buf_steal(&b);
}

/* Whether `text` has a line that is exactly `line` (ignoring trailing blanks). */
static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, line, n)) {
            const char *q = p + n;
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (!*q || *q == '\n')
                return true;
        }
    }
    return false;
}

/* Whether a .env text assigns `name` (optionally after `export`). */
static bool env_sets(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!strncmp(p, "export ", 7))
            p += 7;
        if (!strncmp(p, name, n)) {
            const char *q = p + n;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == '=')
                return true;
        }
    }
    return false;
}

static bool write_text(const char *path, const char *mode, const char *text)
{
    FILE *f = fopen(path, mode);
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return ok;
}

/* Appends `text` to the file, on a line of its own. */
static bool append_line(const char *path, const char *existing, const char *text)
{
    buf b = BUF_INIT;
    if (existing && *existing && existing[strlen(existing) - 1] != '\n')
        buf_putc(&b, '\n');
    buf_printf(&b, "%s\n", text);
    bool ok = write_text(path, "a", buf_cstr(&b));
    buf_free(&b);
    return ok;
}

static bool valid_prefix(const char *p)
{
    if (!*p || (*p >= '0' && *p <= '9'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

int cmd_init(int argc, char **argv)
{
    const char *url = NULL, *output = "../gen", *prefix = "db";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(arg, "--url") && i + 1 < argc) {
            url = argv[++i];
        } else if (!strncmp(arg, "--url=", 6)) {
            url = arg + 6;
        } else if (!strcmp(arg, "--output") && i + 1 < argc) {
            output = argv[++i];
        } else if (!strncmp(arg, "--output=", 9)) {
            output = arg + 9;
        } else if (!strcmp(arg, "--prefix") && i + 1 < argc) {
            prefix = argv[++i];
        } else if (!strncmp(arg, "--prefix=", 9)) {
            prefix = arg + 9;
        } else {
            fprintf(stderr, "error: unexpected argument '%s'\n\n", arg);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (url && ((strncmp(url, "postgresql://", 13) && strncmp(url, "postgres://", 11)) ||
                strpbrk(url, "\"\n\r"))) {
        fprintf(stderr, "error: --url must be a postgresql:// or postgres:// URL without quotes or "
                        "line breaks\n");
        return EXIT_USAGE;
    }
    if (!valid_prefix(prefix)) {
        fprintf(stderr, "error: prefix \"%s\" cannot begin C names: use letters, digits and '_'\n",
                prefix);
        return EXIT_USAGE;
    }
    if (!*output || strpbrk(output, "\"\\\n\r")) {
        fprintf(stderr, "error: --output must be a path without quotes, backslashes or line breaks\n");
        return EXIT_USAGE;
    }
    if (exists("prisma/schema.prisma") || exists("prisma/schema")) {
        fprintf(stderr, "error: %s already exists; refract init writes nothing over it.\n"
                        "  Run `refract validate` to check it, or remove it to start over.\n",
                exists("prisma/schema.prisma") ? "prisma/schema.prisma" : "prisma/schema");
        return EXIT_USER;
    }
    if (mkdir("prisma", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "error: cannot create prisma/: %s\n", strerror(errno));
        return EXIT_USER;
    }

    buf schema = BUF_INIT;
    buf_printf(&schema,
               "// The schema: the single source of truth for your database and its C client.\n"
               "//   refract migrate dev --name init   write and apply a migration\n"
               "//   refract generate                  write the client (%s.h, %s.c)\n"
               "// Models are written as in Prisma: https://pris.ly/d/prisma-schema\n"
               "\n"
               "generator client {\n"
               "  provider = \"refract\"\n"
               "  output   = \"%s\"\n"
               "  prefix   = \"%s\"\n"
               "  // seed  = \"./seed\"   // run by `refract db seed` and after `migrate reset`\n"
               "}\n"
               "\n"
               "datasource db {\n"
               "  provider = \"postgresql\"\n"
               "  url      = env(\"DATABASE_URL\")\n"
               "}\n",
               prefix, prefix, output, prefix);
    bool ok = write_text("prisma/schema.prisma", "w", buf_cstr(&schema));
    buf_free(&schema);
    if (!ok)
        return EXIT_USER;
    puts("Created prisma/schema.prisma");

    char *env = slurp(".env");
    if (env && env_sets(env, "DATABASE_URL")) {
        puts("Kept .env: it already sets DATABASE_URL");
    } else {
        buf line = BUF_INIT;
        if (!env)
            buf_puts(&line, "# Read by refract (and Prisma): the database of this project.\n");
        buf_printf(&line, "DATABASE_URL=\"%s\"", url ? url : PLACEHOLDER_URL);
        ok = append_line(".env", env, buf_cstr(&line));
        buf_free(&line);
        if (ok)
            printf("%s .env with DATABASE_URL%s\n", env ? "Added to" : "Created",
                   url ? "" : " (a placeholder: set your database's URL)");
    }
    free(env);

    char *ignore = slurp(".gitignore");
    if (ok && !(ignore && (has_line(ignore, ".env") || has_line(ignore, "/.env")))) {
        ok = append_line(".gitignore", ignore, ".env");
        if (ok)
            puts(ignore ? "Added .env to .gitignore" : "Created .gitignore with .env");
    }
    free(ignore);

    if (ok && exists("refract.mk")) {
        puts("Kept refract.mk: it exists");
    } else if (ok) {
        /* output is relative to prisma/: the Makefile is one level up */
        buf gen = BUF_INIT, mk = BUF_INIT;
        if (output[0] == '/')
            buf_puts(&gen, output);
        else if (!strncmp(output, "../", 3))
            buf_puts(&gen, output + 3);
        else
            buf_printf(&gen, "prisma/%s", output[0] == '.' && output[1] == '/' ? output + 2 : output);
        buf_printf(&mk,
                   "# refract.mk — build a program on the refract client. In your Makefile:\n"
                   "#\n"
                   "#   include refract.mk\n"
                   "#   app: main.c $(REFRACT_CLIENT)\n"
                   "#   \t$(CC) $(CFLAGS) $(REFRACT_CFLAGS) -o $@ main.c $(REFRACT_CLIENT) $(REFRACT_LIBS)\n"
                   "#\n"
                   "# The client is regenerated whenever the schema changes. librefract comes\n"
                   "# from `make install` in refract's source (pkg-config name: refract).\n"
                   "\n"
                   "# Included before your first rule, the rule below would become the default\n"
                   "# goal and a plain `make` would only regenerate the client: keep yours.\n"
                   "REFRACT_DEFAULT_GOAL := $(.DEFAULT_GOAL)\n"
                   "\n"
                   "REFRACT        ?= refract\n"
                   "REFRACT_SCHEMA ?= prisma/schema.prisma\n"
                   "REFRACT_GEN    := %s\n"
                   "REFRACT_CLIENT := $(REFRACT_GEN)/%s.c\n"
                   "REFRACT_CFLAGS := -I$(REFRACT_GEN) $(shell pkg-config --cflags refract libpq)\n"
                   "REFRACT_LIBS   := $(shell pkg-config --libs refract libpq)\n"
                   "\n"
                   "$(REFRACT_GEN)/%s.h $(REFRACT_CLIENT) &: $(REFRACT_SCHEMA)\n"
                   "\t$(REFRACT) generate --schema $(REFRACT_SCHEMA)\n"
                   "\n"
                   ".DEFAULT_GOAL := $(REFRACT_DEFAULT_GOAL)\n",
                   buf_cstr(&gen), prefix, prefix);
        ok = write_text("refract.mk", "w", buf_cstr(&mk));
        if (ok)
            puts("Created refract.mk");
        buf_free(&gen);
        buf_free(&mk);
    }
    if (!ok)
        return EXIT_USER;
    puts("\nNext steps:\n"
         "  1. Set DATABASE_URL in .env to your PostgreSQL database.\n"
         "  2. Add your models to prisma/schema.prisma.\n"
         "  3. Run `refract migrate dev --name init`, then `refract generate`.\n"
         "  4. `include refract.mk` in your Makefile and build your program.");
    return EXIT_OK;
}
