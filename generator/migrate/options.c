#include "options.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../cli.h"

static const struct option_spec {
    const char *name;
    unsigned flag;
    bool takes_value;
    size_t offset; /* of the const char * or bool in migrate_options */
} specs[] = {
    {"--schema", OPT_SCHEMA, true, offsetof(migrate_options, schema)},
    {"--url", OPT_URL, true, offsetof(migrate_options, url)},
    {"--force", OPT_FORCE, false, offsetof(migrate_options, force)},
    {"-f", OPT_FORCE, false, offsetof(migrate_options, force)},
    {"--applied", OPT_RESOLVE, true, offsetof(migrate_options, applied)},
    {"--rolled-back", OPT_RESOLVE, true, offsetof(migrate_options, rolled_back)},
    {"--name", OPT_NAME, true, offsetof(migrate_options, name)},
    {"-n", OPT_NAME, true, offsetof(migrate_options, name)},
    {"--create-only", OPT_CREATE_ONLY, false, offsetof(migrate_options, create_only)},
    {"--accept-data-loss", OPT_DATA_LOSS, false, offsetof(migrate_options, accept_data_loss)},
    {"--safe", OPT_SAFE, false, offsetof(migrate_options, safe)},
    {"--skip-seed", OPT_SKIP_SEED, false, offsetof(migrate_options, skip_seed)},
    {"--json", OPT_JSON, false, offsetof(migrate_options, json)},
    {"--lock-timeout", OPT_LOCK_TIMEOUT, true, offsetof(migrate_options, lock_timeout)},
    {"--to", OPT_TO, true, offsetof(migrate_options, to)},
    {"--from", OPT_FROM, true, offsetof(migrate_options, from)},
    {"--accept-drift", OPT_ACCEPT_DRIFT, false, offsetof(migrate_options, accept_drift)},
};

int migrate_parse_options(int argc, char **argv, unsigned allowed, migrate_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
            return EXIT_OK;
        const struct option_spec *spec = NULL;
        const char *value = NULL;
        for (size_t k = 0; k < sizeof specs / sizeof *specs && !spec; k++) {
            size_t n = strlen(specs[k].name);
            if (!strncmp(arg, specs[k].name, n) && (arg[n] == '\0' || (arg[n] == '=' && specs[k].takes_value))) {
                spec = &specs[k];
                value = arg[n] == '=' ? arg + n + 1 : NULL;
            }
        }
        if (!spec || !(spec->flag & allowed)) {
            fprintf(stderr, "error: %s option '%s'\n\n", spec ? "unexpected" : "unknown", arg);
            return EXIT_USAGE;
        }
        char *field = (char *)o + spec->offset;
        if (spec->takes_value) {
            if (!value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "error: %s needs a value\n\n", arg);
                    return EXIT_USAGE;
                }
                value = argv[++i];
            }
            memcpy(field, &value, sizeof value);
        } else {
            bool t = true;
            memcpy(field, &t, sizeof t);
        }
    }
    return -1;
}
