/*
 * cmd_db.c — `refract db <command>`: push (migrate/devflow.c), pull
 * (introspect/cmd_pull.c) and seed (migrate/seed.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "introspect/cmd_pull.h"
#include "migrate/devflow.h"
#include "migrate/options.h"
#include "migrate/project.h"
#include "migrate/seed.h"
#include "util/buf.h"

static const char db_usage[] = "Usage: refract db <command> [options]\n"
                               "\n"
                               "Commands:\n"
                               "  push   Make the database match the schema, without a migration\n"
                               "  pull   Write the database's schema into schema.prisma\n"
                               "  seed   Run the seed command of the refract generator block\n"
                               "\n"
                               "Run `refract db <command> --help` for its options.\n";

static const char seed_usage[] =
    "Usage: refract db seed [--schema PATH] [--url URL]\n"
    "\n"
    "Run the project's seed command: `seed = \"...\"` in the generator block with\n"
    "provider = \"refract\", run by /bin/sh in the current directory with\n"
    "DATABASE_URL set to the database (--url, the datasource's url, the\n"
    "environment or .env). `migrate reset` runs it too, unless --skip-seed.\n"
    "\n"
    "Exit status: 0 seeded (or nothing configured), 1 the command failed, 2 usage.\n";

static int db_seed_cmd(int argc, char **argv)
{
    migrate_options o;
    int rc = migrate_parse_options(argc, argv, OPT_SCHEMA | OPT_URL, &o);
    if (rc >= 0) {
        fputs(seed_usage, rc == EXIT_OK ? stdout : stderr);
        return rc;
    }
    project p;
    if ((rc = project_open(&p, o.schema)) != EXIT_OK)
        return rc;
    /* The URL is handed on, not used: a seed without one may still work. */
    buf err = BUF_INIT;
    const model_datasource *ds = p.model->has_datasource ? &p.model->datasource : NULL;
    char *url = db_url_resolve(o.url, ds, p.schema_path, &err);
    buf_free(&err);
    rc = seed_run(p.model, url, stdout, false) == 0 ? EXIT_OK : EXIT_USER;
    free(url);
    project_close(&p);
    return rc;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2) {
        fputs(db_usage, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(db_usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "push"))
        return db_push_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "seed"))
        return db_seed_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "pull"))
        return db_pull_cmd(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown db command '%s'\n\n%s", argv[1], db_usage);
    return EXIT_USAGE;
}
