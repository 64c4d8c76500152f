/*
 * strmap.c — see strmap.h. The table doubles when it is half full, so a
 * probe sequence stays short and every operation is O(1) on average.
 */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t strmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static strmap_slot *find_slot(strmap_slot *slots, size_t cap, const char *key, size_t hash)
{
    size_t i = hash & (cap - 1);
    while (slots[i].key && (slots[i].hash != hash || strcmp(slots[i].key, key)))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

void *strmap_get(const strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    strmap_slot *s = find_slot(m->slots, m->cap, key, strmap_hash(key));
    return s->key ? s->value : NULL;
}

static void grow(strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    strmap_slot *slots = m->arena ? arena_alloc(m->arena, cap * sizeof *slots)
                               : calloc(cap, sizeof *slots);
    if (!slots)
        abort();
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *find_slot(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
    if (!m->arena)
        free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void *strmap_put(strmap *m, const char *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t hash = strmap_hash(key);
    strmap_slot *s = find_slot(m->slots, m->cap, key, hash);
    if (s->key)
        return s->value;
    *s = (strmap_slot){key, value, hash};
    m->count++;
    return NULL;
}

void **strmap_ref(strmap *m, const char *key)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t hash = strmap_hash(key);
    strmap_slot *s = find_slot(m->slots, m->cap, key, hash);
    if (!s->key) {
        *s = (strmap_slot){key, NULL, hash};
        m->count++;
    }
    return &s->value;
}

void **strmap_ref_copy(strmap *m, const char *key, arena *a, bool *added)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t hash = strmap_hash(key);
    strmap_slot *s = find_slot(m->slots, m->cap, key, hash);
    *added = s->key == NULL;
    if (*added) {
        *s = (strmap_slot){arena_strdup(a, key), NULL, hash};
        m->count++;
    }
    return &s->value;
}

void strmap_free(strmap *m)
{
    if (!m->arena)
        free(m->slots);
    *m = (strmap)STRMAP_INIT;
}
