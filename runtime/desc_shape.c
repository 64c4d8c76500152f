/*
 * desc_shape.c — find_many's SQL remembered by the query's shape, so that a
 * repeated read (a feed, a listing page) finds its statement without
 * building the SQL text again, hashing it and comparing it with the cached
 * one: the builder runs only on the first call of each shape.
 *
 * The shape key is exact only where that is easy to see: queries without a
 * where, cursor, distinct or ordering by relations, whose counts have no
 * filter. Their SQL depends on nothing but the model, the selected columns,
 * the counted relations, the order_by items, whether take is positive,
 * negative or absent, whether skip is given, and the lock; and their only
 * parameters are take's magnitude then skip (rf_q_order_page's order).
 * Every one of these goes into the key, field by field, so two shapes
 * never share a statement. Other queries are built each time, as before.
 *
 * The cache is per client (one client per thread, like the statements it
 * names): a small open-addressing table of at most RF_SHAPES_MAX entries,
 * each owning its SQL text and a short statement id.
 */
#include "desc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RF_SHAPES_MAX 256

typedef struct shape_entry {
    rf_read_shape key;
    uint64_t hash;
    char *sql;                     /* NULL: free slot */
    char id[48];
} shape_entry;

struct rf_shape_cache {
    shape_entry *slots;
    size_t cap, count;
};

static const void *pointer_at(const void *base, size_t offset)
{
    const void *p = NULL;
    if (offset != RF_NO_MEMBER)
        memcpy(&p, RF_AT(base, offset), sizeof p);
    return p;
}

static size_t count_at(const void *base, size_t offset)
{
    size_t n = 0;
    if (offset != RF_NO_MEMBER)
        memcpy(&n, RF_AT(base, offset) + sizeof(void *), sizeof n);
    return n;
}

bool rf_read_shape_of(const rf_model_desc *m, const void *query, const rf_query_head *h,
                      rf_select select, rf_read_shape *out)
{
    memset(out, 0, sizeof *out);
    if (h->where || h->norder > RF_SHAPE_MAX_ORDER || (h->norder && !h->order_by))
        return false;
    if (query && (pointer_at(query, m->query_cursor) || count_at(query, m->query_distinct) ||
                  count_at(query, m->query_relation_order)))
        return false;
    if ((select && m->nfields > 64) || m->nrelations > 64)
        return false;
    out->model = m;
    if (select) {
        out->has_select = 1;
        for (size_t i = 0; i < m->nfields; i++)
            if (select[i])
                out->select |= UINT64_C(1) << i;
    }
    const void *inc = query && m->query_include != RF_NO_MEMBER ? RF_AT(query, m->query_include)
                                                                 : NULL;
    for (size_t i = 0; i < m->nrelations; i++) {
        const rf_count_select *cs = rf_desc_counted(&m->relations[i], query, inc);
        if (!cs)
            continue;
        if (cs->where)
            return false;
        out->counts |= UINT64_C(1) << i;
    }
    out->norder = (uint8_t)h->norder;
    for (size_t i = 0; i < h->norder; i++) {
        out->by[i] = h->order_by[i].by;
        out->sort[i] = (uint8_t)h->order_by[i].sort;
        out->nulls[i] = (uint8_t)h->order_by[i].nulls;
    }
    out->take = h->take > 0 ? 1 : h->take < 0 ? 2 : 0;
    out->skip = h->skip != 0;
    out->lock_mode = (uint8_t)h->lock.mode;
    out->skip_locked = h->lock.skip_locked;
    out->nowait = h->lock.nowait;
    return true;
}

void rf_read_shape_params(const rf_query_head *h, rf_params *p)
{
    if (h->take)
        rf_params_add_i64(p, h->take < 0 ? -h->take : h->take);
    if (h->skip > 0)
        rf_params_add_i64(p, h->skip);
}

static uint64_t hash_shape(const rf_read_shape *k)
{
    const unsigned char *b = (const unsigned char *)k;
    uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ b[i]) * UINT64_C(1099511628211);
    return h;
}

static shape_entry *slot_for(const struct rf_shape_cache *sc, const rf_read_shape *k,
                             uint64_t h)
{
    for (size_t i = h & (sc->cap - 1);; i = (i + 1) & (sc->cap - 1)) {
        shape_entry *e = &sc->slots[i];
        if (!e->sql || (e->hash == h && !memcmp(&e->key, k, sizeof *k)))
            return e;
    }
}

bool rf_read_shape_find(const rf_client *c, const rf_read_shape *k, rf_stmt *out)
{
    const struct rf_shape_cache *sc = c->shapes;
    if (!sc)
        return false;
    const shape_entry *e = slot_for(sc, k, hash_shape(k));
    if (!e->sql)
        return false;
    *out = (rf_stmt){.id = e->id, .sql = e->sql, .result_format = RF_FORMAT_BINARY};
    return true;
}

void rf_read_shape_put(rf_client *c, const rf_read_shape *k, const char *sql)
{
    struct rf_shape_cache *sc = c->shapes;
    if (!sc) {
        /* The table never grows: RF_SHAPES_MAX entries at most half full. */
        sc = calloc(1, sizeof *sc);
        shape_entry *slots = sc ? calloc(2 * RF_SHAPES_MAX, sizeof *slots) : NULL;
        if (!slots) {
            free(sc);
            return; /* out of memory: the query simply is not remembered */
        }
        sc->slots = slots;
        sc->cap = 2 * RF_SHAPES_MAX;
        c->shapes = sc;
    }
    if (sc->count >= RF_SHAPES_MAX)
        return;
    uint64_t h = hash_shape(k);
    shape_entry *e = slot_for(sc, k, h);
    if (e->sql)
        return;
    char *copy = strdup(sql);
    if (!copy)
        return;
    e->key = *k;
    e->hash = h;
    e->sql = copy;
    /* A short id, cheaper to hash per call than the SQL text, and never
     * one of desc_sql.c's ("rf<model>.<what><n>"): ".s" is not used there. */
    snprintf(e->id, sizeof e->id, "rf%p.s%zu", (const void *)k->model, sc->count);
    sc->count++;
}

void rf_read_shapes_free(rf_client *c)
{
    struct rf_shape_cache *sc = c->shapes;
    if (!sc)
        return;
    for (size_t i = 0; i < sc->cap; i++)
        free(sc->slots[i].sql);
    free(sc->slots);
    free(sc);
    c->shapes = NULL;
}
