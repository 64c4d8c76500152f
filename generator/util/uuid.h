/*
 * uuid.h — random (version 4) UUIDs for `_prisma_migrations.id`.
 */
#ifndef REFRACT_UUID_H
#define REFRACT_UUID_H

#define UUID_STR_LEN 36

/* Writes "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (lower case) plus NUL.
 * Returns 0, or -1 when the kernel gave no randomness (errno set). */
int uuid_v4(char out[UUID_STR_LEN + 1]);

#endif
