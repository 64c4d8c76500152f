/*
 * cmd_down.h — `refract migrate down [--to NAME] [--accept-data-loss]`:
 * roll back applied migrations, newest first, by running their down.sql
 * (down.h, down_apply.h), under the same advisory lock as deploy.
 */
#ifndef REFRACT_MIGRATE_CMD_DOWN_H
#define REFRACT_MIGRATE_CMD_DOWN_H

int migrate_down_cmd(int argc, char **argv);

#endif
