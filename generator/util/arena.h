/*
 * arena.h — bump allocator for everything the generator builds.
 *
 * The AST, the resolved model and every string hanging off them live in one
 * arena and die together in arena_free(). Nothing inside is freed singly, so
 * nodes may point at each other freely. Allocation failure aborts: the
 * generator is a short-lived command and has no way to carry on without
 * memory.
 */
#ifndef REFRACT_ARENA_H
#define REFRACT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;
} arena;

#define ARENA_INIT {0}

void *arena_alloc(arena *a, size_t size);              /* zeroed, max-aligned */
void *arena_realloc(arena *a, void *old, size_t old_size, size_t new_size);
char *arena_strndup(arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
void arena_free(arena *a);

/* Growable array in an arena: `T *items; size_t count, cap;`. */
#define ARENA_PUSH(ar, items, count, cap, value)                                   \
    do {                                                                           \
        if ((count) == (cap)) {                                                    \
            size_t new_cap_ = (cap) ? (cap) * 2 : 4;                               \
            (items) = arena_realloc((ar), (items), (cap) * sizeof *(items),        \
                                    new_cap_ * sizeof *(items));                   \
            (cap) = new_cap_;                                                      \
        }                                                                          \
        (items)[(count)++] = (value);                                              \
    } while (0)

#endif
