/*
 * options.h — the options of the migrate and db commands, parsed one way.
 * Both `--opt VALUE` and `--opt=VALUE` are accepted.
 */
#ifndef REFRACT_MIGRATE_OPTIONS_H
#define REFRACT_MIGRATE_OPTIONS_H

#include <stdbool.h>

enum {
    OPT_SCHEMA = 1 << 0,      /* --schema PATH */
    OPT_URL = 1 << 1,         /* --url URL */
    OPT_FORCE = 1 << 2,       /* --force */
    OPT_RESOLVE = 1 << 3,     /* --applied NAME, --rolled-back NAME */
    OPT_NAME = 1 << 4,        /* --name NAME (-n) */
    OPT_CREATE_ONLY = 1 << 5, /* --create-only */
    OPT_DATA_LOSS = 1 << 6,   /* --accept-data-loss */
    OPT_SAFE = 1 << 7,        /* --safe */
    OPT_SKIP_SEED = 1 << 8,   /* --skip-seed */
    OPT_JSON = 1 << 9,        /* --json */
    OPT_LOCK_TIMEOUT = 1 << 10, /* --lock-timeout VALUE (with --safe) */
    OPT_TO = 1 << 11,         /* --to NAME */
    OPT_FROM = 1 << 12,       /* --from NAME */
    OPT_ACCEPT_DRIFT = 1 << 13, /* --accept-drift */
};

typedef struct migrate_options {
    const char *schema, *url, *name, *applied, *rolled_back, *to, *from;
    const char *lock_timeout;
    bool force, create_only, accept_data_loss, safe, skip_seed, json, accept_drift;
} migrate_options;

/* Parse argv[1..] (argv[0] is the command name). Returns -1 to go on,
 * 0 when --help was asked, 2 on a usage error (already printed). */
int migrate_parse_options(int argc, char **argv, unsigned allowed, migrate_options *o);

#endif
