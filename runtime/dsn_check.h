/*
 * dsn_check.h — connection strings that are malformed, told without ever
 * showing their password. Shared by librefract (rf_connect, rf_pool_open)
 * and the CLI's migrate commands (generator/migrate/dburl.c); not installed.
 */
#ifndef REFRACT_DSN_CHECK_H
#define REFRACT_DSN_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* What a password is replaced with in anything shown to a person. */
#define RF_DSN_MASK "****"

/*
 * A copy of `conninfo` (a postgres:// URL or libpq keywords) with every
 * password replaced by RF_DSN_MASK: the URL's user:password@ part (up to
 * the last '@', so that an unencoded '/', '?' or '@' in the password does
 * not leave a piece of it visible), a ?password= parameter, and a
 * password= keyword. Heap; NULL when memory runs out.
 */
char *rf_dsn_mask(const char *conninfo);

/*
 * Whether libpq can use `conninfo`, as far as can be told without
 * connecting: it parses (PQconninfoParse), libpq reads the password where
 * the URL has it (an unencoded '/', '?', '#' or '@' in it moves the rest
 * into the host or port), and ports are numbers. When not, writes why into
 * why[size] — libpq's words, about the masked string — and returns false.
 * This is Prisma's P1013, "The provided database string is invalid".
 */
bool rf_dsn_check(const char *conninfo, char *why, size_t size);

#endif
