/*
 * devflow.h — the commands that make the database follow the schema:
 * `migrate dev` (through a new migration) and `db push` (directly), both
 * refusing to lose data held in the database unless told to.
 */
#ifndef REFRACT_MIGRATE_DEVFLOW_H
#define REFRACT_MIGRATE_DEVFLOW_H

int migrate_dev_cmd(int argc, char **argv);
int db_push_cmd(int argc, char **argv);

#endif
