/*
 * cmd_squash.h — `refract migrate squash --from A --to B [--name N]`:
 * replace migrations A..B (inclusive) with one that has the same effect.
 */
#ifndef REFRACT_MIGRATE_CMD_SQUASH_H
#define REFRACT_MIGRATE_CMD_SQUASH_H

int migrate_squash_cmd(int argc, char **argv);

#endif
