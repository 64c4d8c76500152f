/*
 * cmd_pull.h — `refract db pull`, called by cmd_db.c with argv[0] == "pull".
 */
#ifndef REFRACT_INTROSPECT_CMD_PULL_H
#define REFRACT_INTROSPECT_CMD_PULL_H

int db_pull_cmd(int argc, char **argv);

#endif
