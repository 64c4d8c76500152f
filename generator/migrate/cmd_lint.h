/*
 * cmd_lint.h — `refract migrate lint [DIR|FILE]`, called from
 * generator/cmd_migrate.c with argv[0] == "lint".
 */
#ifndef REFRACT_MIGRATE_CMD_LINT_H
#define REFRACT_MIGRATE_CMD_LINT_H

#include "folder.h"
#include "lint.h"

int migrate_cmd_lint(int argc, char **argv);

/* Read every migration of `f` into the linter's catalog, findings dropped:
 * what the next migration finds already there. */
void lint_preload(linter *l, const migration_folder *f);

#endif
