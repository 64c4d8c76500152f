/*
 * seed.h — the project's seed command, as Prisma's `db seed`.
 *
 * Prisma 7 reads the command from prisma.config.ts (`migrations.seed`); a C
 * project has no TypeScript config, so refract reads it from the refract
 * generator block, where Prisma allows any property:
 *
 *     generator client {
 *       provider = "refract"
 *       seed     = "./build/seed"      // run by /bin/sh in the current directory
 *     }
 *
 * The command runs with DATABASE_URL set to the database refract resolved
 * (--url, the datasource, the environment or .env), so a seed program on the
 * generated client connects to the database that was just reset.
 */
#ifndef REFRACT_MIGRATE_SEED_H
#define REFRACT_MIGRATE_SEED_H

#include <stdio.h>

#include "../model/model.h"

/* The configured seed command, or NULL when there is none. */
const char *seed_command(const model_schema *model);

/* Runs the seed command with DATABASE_URL = url (when url is not NULL);
 * its output goes where refract's goes. Prints what it does to `out`.
 * Returns 0 when it succeeded or none is configured (`quiet_if_none`
 * decides whether that is said), else 1 after printing the reason. */
int seed_run(const model_schema *model, const char *url, FILE *out, bool quiet_if_none);

#endif
