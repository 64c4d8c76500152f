/*
 * arena.c — rf_arena: chunked bump allocation, plus the query results an
 * arena keeps alive so that strings can be borrowed from them.
 *
 * Blocks are kept in allocation order. Reset rewinds to the first block and
 * refills the existing ones before asking malloc for more, so a loop that
 * resets one arena per request stops allocating after its first iterations.
 */
#include "internal.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct rf_arena_block {
    rf_arena_block *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

struct rf_arena_kept {
    rf_arena_kept *next;
    PGresult *result;
};

enum {
    BLOCK_FIRST = 4 * 1024,        /* small queries stay in one small block */
    BLOCK_GROWTH_CAP = 1024 * 1024 /* beyond this, blocks stop doubling */
};

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) & ~(a - 1);
}

void rf_arena_init(rf_arena *arena)
{
    arena->first = arena->current = NULL;
    arena->kept = NULL;
}

static rf_arena_block *block_new(size_t size)
{
    rf_arena_block *b = malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

/* The slow path: move to the next block with room, or add one. */
static void *alloc_slow(rf_arena *arena, size_t size)
{
    rf_arena_block *cur = arena->current;
    /* Reuse blocks left from before a reset when they are big enough. */
    while (cur && cur->next) {
        cur = cur->next;
        cur->used = 0;
        if (cur->size >= size) {
            arena->current = cur;
            cur->used = size;
            return cur->data;
        }
    }
    size_t last = cur ? cur->size : 0;
    size_t want = last ? (last < BLOCK_GROWTH_CAP ? last * 2 : last) : BLOCK_FIRST;
    if (want < size)
        want = size;
    rf_arena_block *b = block_new(want);
    if (!b)
        return NULL;
    if (cur)
        cur->next = b;
    else
        arena->first = b;
    arena->current = b;
    b->used = size;
    return b->data;
}

void *rf_arena_alloc(rf_arena *arena, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size = align_up(size ? size : 1);
    rf_arena_block *b = arena->current;
    if (b && b->size - b->used >= size) {
        void *p = b->data + b->used;
        b->used += size;
        return p;
    }
    return alloc_slow(arena, size);
}

void *rf_arena_calloc(rf_arena *arena, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / 2 / size)
        return NULL;
    void *p = rf_arena_alloc(arena, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *rf_arena_memdup(rf_arena *arena, const void *p, size_t len)
{
    void *q = rf_arena_alloc(arena, len);
    if (q && len)
        memcpy(q, p, len);
    return q;
}

char *rf_arena_strndup(rf_arena *arena, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *q = rf_arena_alloc(arena, len + 1);
    if (!q)
        return NULL;
    if (len)
        memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *rf_arena_strdup(rf_arena *arena, const char *s)
{
    return rf_arena_strndup(arena, s, strlen(s));
}

static void clear_kept(rf_arena *arena)
{
    /* The list nodes live in the arena's blocks: read next before anything
     * could reuse them (nothing does here, but keep the order obvious). */
    for (rf_arena_kept *k = arena->kept; k;) {
        rf_arena_kept *next = k->next;
        PQclear(k->result);
        k = next;
    }
    arena->kept = NULL;
}

void rf_arena_reset(rf_arena *arena)
{
    clear_kept(arena);
    arena->current = arena->first;
    if (arena->current)
        arena->current->used = 0;
}

void rf_arena_free(rf_arena *arena)
{
    clear_kept(arena);
    for (rf_arena_block *b = arena->first; b;) {
        rf_arena_block *next = b->next;
        free(b);
        b = next;
    }
    rf_arena_init(arena);
}

size_t rf_arena_bytes_reserved(const rf_arena *arena)
{
    size_t n = 0;
    for (const rf_arena_block *b = arena->first; b; b = b->next)
        n += b->size;
    return n;
}

rf_status rf_result_keep(rf_result *result, rf_arena *arena)
{
    if (!result || !arena)
        return RF_INVALID_ARGUMENT;
    if (result->kept || !result->pg)
        return RF_OK;
    rf_arena_kept *k = rf_arena_alloc(arena, sizeof *k);
    if (!k)
        return RF_NO_MEMORY;
    k->result = result->pg;
    k->next = arena->kept;
    arena->kept = k;
    result->kept = true;
    return RF_OK;
}
