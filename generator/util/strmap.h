/*
 * strmap.h — a string-keyed hash map (open addressing, linear probing), for
 * the name checks that would otherwise compare every pair.
 *
 * Keys are not copied: they must outlive the map (arena or AST strings).
 * Values are opaque, non-NULL pointers. The map owns only its slot array; free it with
 * strmap_free(), or set `arena` (STRMAP_IN(a)) to allocate the slots there and
 * forget the map with the arena. Insertion order does not affect lookups.
 */
#ifndef REFRACT_STRMAP_H
#define REFRACT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef struct strmap_slot {
    const char *key; /* NULL: empty */
    void *value;
    size_t hash;     /* of key: most mismatches cost no strcmp */
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap;   /* a power of two, or 0 */
    size_t count;
    arena *arena; /* NULL: slots on the heap */
} strmap;

#define STRMAP_INIT {0}
#define STRMAP_IN(a) {NULL, 0, 0, (a)}

/* The value stored under key, or NULL when absent. */
void *strmap_get(const strmap *m, const char *key);
/* Stores value under key unless the key is present. Returns the value that
 * was already there (and leaves it), or NULL when key was added. */
void *strmap_put(strmap *m, const char *key, void *value);
/* The value slot of key, added (holding NULL) when absent: for maps whose
 * values are updated in place (counters, list heads). */
void **strmap_ref(strmap *m, const char *key);
/* Like strmap_ref, but a key that is added is first copied into `a` (so
 * `key` may be a scratch buffer); *added says whether it was. */
void **strmap_ref_copy(strmap *m, const char *key, arena *a, bool *added);
void strmap_free(strmap *m);

/* FNV-1a over the bytes of s; exposed for maps with composite keys. */
size_t strmap_hash(const char *s);

#endif
