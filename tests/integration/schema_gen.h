/*
 * schema_gen.h — random valid Prisma schemas and random valid changes to
 * them, for round-trip tests of the differ. Seedable and deterministic:
 * gen_case(seed, &a, &b) always gives the same pair.
 *
 * A schema is a small spec (models with scalar fields of every type, lists,
 * optionals, defaults, @map/@@map, @unique/@@unique/@@index with and
 * without map:, enums, 1:n relations with onDelete, implicit m:n) rendered
 * to schema text. A change copies A and applies 1..4 random mutations, each
 * keeping the schema valid.
 *
 * Header-only (static functions): each test file is its own executable.
 */
#ifndef SCHEMA_GEN_H
#define SCHEMA_GEN_H

/* Not every test uses every helper. */
#define G_FN static __attribute__((unused))

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

enum { G_STRING, G_INT, G_BIGINT, G_FLOAT, G_BOOL, G_DATETIME, G_DECIMAL, G_JSON, G_ENUM,
       G_VARCHAR, G_TIMESTAMPTZ, G_SMALLINT, G_NTYPES };
enum { G_MAXF = 12, G_MAXIX = 5, G_MAXREL = 3, G_MAXM = 5, G_MAXE = 3, G_MAXV = 8, G_MAXMM = 3 };

typedef struct gfield {
    bool alive;
    int name;      /* f<name> */
    int type;
    int enum_idx;  /* G_ENUM */
    int varchar;   /* G_VARCHAR: length */
    bool optional, list, has_default, mapped, unique;
} gfield;

typedef struct gindex {
    bool alive, unique, mapped;
    bool desc;     /* first column sort: Desc */
    bool hash;     /* type: Hash (one column, not unique) */
    int f[2];      /* field slots; f[1] -1 for a hash index */
} gindex;

typedef struct grel {
    bool alive;
    int id;        /* relation "R<id>", fields r<id>Id / r<id>, back field in<id> */
    int target;
    int on_delete; /* 0 Cascade 1 Restrict 2 NoAction 3 SetNull (optional only) */
    bool optional;
    bool one_to_one; /* FK scalar @unique, back relation optional */
} grel;

typedef struct gmodel {
    bool alive, mapped;
    int name;      /* M<name> */
    bool string_id;
    gfield f[G_MAXF];
    int nf;
    gindex ix[G_MAXIX];
    int nix;
    grel rel[G_MAXREL];
    int nrel;
} gmodel;

typedef struct genum {
    bool alive, mapped;
    int nvalues;
    int values[G_MAXV]; /* V<n> */
    bool vmapped[G_MAXV]; /* V<n> @map("v<n>") */
} genum;

typedef struct gm2m {
    bool alive;
    int id, a, b;  /* models a < b */
} gm2m;

typedef struct gspec {
    gmodel m[G_MAXM];
    int nm;
    genum e[G_MAXE];
    int ne;
    gm2m mm[G_MAXMM];
    int nmm;
    int counter;   /* fresh names */
    uint64_t rng;
} gspec;

G_FN uint32_t g_rand(gspec *s)
{
    uint64_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s->rng = x;
    return (uint32_t)(x >> 11);
}

G_FN int g_pick(gspec *s, int n)
{
    return n > 0 ? (int)(g_rand(s) % (uint32_t)n) : 0;
}

G_FN bool g_chance(gspec *s, int percent)
{
    return g_pick(s, 100) < percent;
}

G_FN int g_alive_enum(gspec *s)
{
    int alive[G_MAXE], n = 0;
    for (int i = 0; i < s->ne; i++)
        if (s->e[i].alive)
            alive[n++] = i;
    return n ? alive[g_pick(s, n)] : -1;
}

G_FN void g_random_type(gspec *s, gfield *f)
{
    f->type = g_pick(s, G_NTYPES);
    if (f->type == G_ENUM && (f->enum_idx = g_alive_enum(s)) < 0)
        f->type = G_STRING;
    if (f->type == G_VARCHAR)
        f->varchar = g_chance(s, 50) ? 20 : 200;
    bool listable = f->type == G_STRING || f->type == G_INT || f->type == G_ENUM;
    f->list = listable && g_chance(s, 20);
    if (f->list)
        f->optional = false;
}

G_FN void g_new_field(gspec *s, gmodel *m)
{
    if (m->nf >= G_MAXF)
        return;
    gfield *f = &m->f[m->nf++];
    memset(f, 0, sizeof *f);
    f->alive = true;
    f->name = s->counter++;
    f->optional = g_chance(s, 40);
    g_random_type(s, f);
    f->has_default = g_chance(s, 40);
    f->mapped = g_chance(s, 20);
}

G_FN void g_new_enum(gspec *s)
{
    if (s->ne >= G_MAXE)
        return;
    genum *e = &s->e[s->ne++];
    memset(e, 0, sizeof *e);
    e->alive = true;
    e->mapped = g_chance(s, 20);
    e->nvalues = 2 + g_pick(s, 3);
    for (int i = 0; i < e->nvalues; i++) {
        e->values[i] = s->counter++;
        e->vmapped[i] = g_chance(s, 15);
    }
}

G_FN void g_new_model(gspec *s)
{
    if (s->nm >= G_MAXM)
        return;
    gmodel *m = &s->m[s->nm++];
    memset(m, 0, sizeof *m);
    m->alive = true;
    m->name = s->counter++;
    m->string_id = g_chance(s, 25);
    m->mapped = g_chance(s, 20);
    int n = 1 + g_pick(s, 5);
    for (int i = 0; i < n; i++)
        g_new_field(s, m);
}

G_FN int g_alive_model(gspec *s, int except)
{
    int alive[G_MAXM], n = 0;
    for (int i = 0; i < s->nm; i++)
        if (s->m[i].alive && i != except)
            alive[n++] = i;
    return n ? alive[g_pick(s, n)] : -1;
}

G_FN int g_alive_field(gspec *s, gmodel *m)
{
    int alive[G_MAXF], n = 0;
    for (int i = 0; i < m->nf; i++)
        if (m->f[i].alive)
            alive[n++] = i;
    return n ? alive[g_pick(s, n)] : -1;
}

G_FN void g_new_relation(gspec *s, int from)
{
    gmodel *m = &s->m[from];
    int to = g_alive_model(s, from);
    if (to < 0 || m->nrel >= G_MAXREL)
        return;
    grel *r = &m->rel[m->nrel++];
    r->alive = true;
    r->id = s->counter++;
    r->target = to;
    r->on_delete = g_pick(s, 4);
    r->optional = r->on_delete == 3 || g_chance(s, 50);
    r->one_to_one = g_chance(s, 25);
}

G_FN void g_new_m2m(gspec *s)
{
    int a = g_alive_model(s, -1), b = g_alive_model(s, a);
    if (a < 0 || b < 0 || s->nmm >= G_MAXMM || s->m[a].string_id || s->m[b].string_id)
        return;
    gm2m *x = &s->mm[s->nmm++];
    x->alive = true;
    x->id = s->counter++;
    x->a = a < b ? a : b;
    x->b = a < b ? b : a;
}

G_FN bool g_index_exists(gmodel *m, int f0, int f1)
{
    for (int i = 0; i < m->nix; i++)
        if (m->ix[i].alive && m->ix[i].f[0] == f0 && m->ix[i].f[1] == f1)
            return true;
    return false;
}

G_FN void g_new_index(gspec *s, gmodel *m)
{
    int a = g_alive_field(s, m), b = g_alive_field(s, m);
    bool hash = g_chance(s, 15);
    if (hash)
        b = -1;
    if (a < 0 || a == b || m->nix >= G_MAXIX || g_index_exists(m, a, b) || (b < 0 && !hash))
        return;
    gindex *x = &m->ix[m->nix++];
    x->alive = true;
    x->hash = hash;
    x->unique = !hash && g_chance(s, 40);
    x->mapped = g_chance(s, 30);
    x->desc = !hash && g_chance(s, 20);
    x->f[0] = a;
    x->f[1] = b;
}

G_FN void g_initial(gspec *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->rng = seed * 2654435761u + 0x9E3779B97F4A7C15ull;
    s->counter = 1;
    int ne = g_pick(s, 3);
    for (int i = 0; i < ne; i++)
        g_new_enum(s);
    int nm = 1 + g_pick(s, 3);
    for (int i = 0; i < nm; i++)
        g_new_model(s);
    for (int i = 0; i < s->nm; i++) {
        if (g_chance(s, 40))
            g_new_relation(s, i);
        if (g_chance(s, 50))
            g_new_index(s, &s->m[i]);
        int f = g_alive_field(s, &s->m[i]);
        if (f >= 0 && g_chance(s, 30) && !s->m[i].f[f].list)
            s->m[i].f[f].unique = true;
    }
    if (g_chance(s, 30))
        g_new_m2m(s);
}

/* Keep what refers to dead things out of the schema. */
G_FN void g_prune(gspec *s)
{
    for (int i = 0; i < s->nm; i++) {
        gmodel *m = &s->m[i];
        for (int k = 0; k < m->nix; k++)
            if (!m->f[m->ix[k].f[0]].alive || (m->ix[k].f[1] >= 0 && !m->f[m->ix[k].f[1]].alive))
                m->ix[k].alive = false;
        for (int k = 0; k < m->nrel; k++)
            if (!m->alive || !s->m[m->rel[k].target].alive)
                m->rel[k].alive = false;
        for (int k = 0; k < m->nf; k++)
            if (m->f[k].type == G_ENUM && !s->e[m->f[k].enum_idx].alive)
                m->f[k].type = G_STRING, m->f[k].list = false;
    }
    for (int k = 0; k < s->nmm; k++)
        if (!s->m[s->mm[k].a].alive || !s->m[s->mm[k].b].alive)
            s->mm[k].alive = false;
}

/* Set to leave @map/@@map/map: alone in mutations (their changes are
 * renames in refract, drop-and-create in Prisma: no text to compare). */
static bool g_no_renames __attribute__((unused));

G_FN void g_mutate(gspec *s)
{
    int mi = g_alive_model(s, -1);
    gmodel *m = mi >= 0 ? &s->m[mi] : NULL;
    int fi = m ? g_alive_field(s, m) : -1;
    gfield *f = fi >= 0 ? &m->f[fi] : NULL;
    int op = g_pick(s, 20);
    if (g_no_renames && (op == 5 || op == 6))
        op = 0;
    switch (op) {
    case 0:
        if (m)
            g_new_field(s, m);
        break;
    case 1:
        if (f)
            f->alive = false;
        break;
    case 2:
        if (f) {
            bool was_list = f->list;
            g_random_type(s, f);
            if (was_list && !f->list)
                f->optional = g_chance(s, 50);
        }
        break;
    case 3:
        if (f && !f->list)
            f->optional = !f->optional;
        break;
    case 4:
        if (f)
            f->has_default = !f->has_default;
        break;
    case 5:
        if (f)
            f->mapped = !f->mapped;
        break;
    case 6:
        if (m)
            m->mapped = !m->mapped;
        break;
    case 7:
        if (m && g_chance(s, 50))
            g_new_index(s, m);
        else if (m && m->nix)
            m->ix[g_pick(s, m->nix)].alive = false;
        break;
    case 8:
        if (m && m->nix) {
            gindex *x = &m->ix[g_pick(s, m->nix)];
            if (g_chance(s, 50) && !x->hash)
                x->desc ^= true;
            else if (!g_no_renames)
                x->mapped ^= true;
        }
        break;
    case 9: {
        int e = g_alive_enum(s);
        if (e >= 0 && s->e[e].nvalues < G_MAXV) {
            genum *en = &s->e[e];
            int pos = 1 + g_pick(s, en->nvalues); /* never before the first (the default) */
            memmove(&en->values[pos + 1], &en->values[pos],
                    (size_t)(en->nvalues - pos) * sizeof(int));
            memmove(&en->vmapped[pos + 1], &en->vmapped[pos],
                    (size_t)(en->nvalues - pos) * sizeof(bool));
            en->values[pos] = s->counter++;
            en->vmapped[pos] = false;
            en->nvalues++;
        }
        break;
    }
    case 10: {
        int e = g_alive_enum(s);
        if (e >= 0 && s->e[e].nvalues > 2) {
            genum *en = &s->e[e];
            int pos = 1 + g_pick(s, en->nvalues - 1);
            memmove(&en->values[pos], &en->values[pos + 1],
                    (size_t)(en->nvalues - pos - 1) * sizeof(int));
            memmove(&en->vmapped[pos], &en->vmapped[pos + 1],
                    (size_t)(en->nvalues - pos - 1) * sizeof(bool));
            en->nvalues--;
        }
        break;
    }
    case 11:
        g_new_model(s);
        break;
    case 12:
        if (m && g_alive_model(s, mi) >= 0)
            m->alive = false;
        break;
    case 13:
        if (m)
            g_new_relation(s, mi);
        break;
    case 14:
        if (m && m->nrel)
            m->rel[g_pick(s, m->nrel)].alive = false;
        break;
    case 15:
        if (m && m->nrel) {
            grel *r = &m->rel[g_pick(s, m->nrel)];
            if (g_chance(s, 30)) {
                r->one_to_one ^= true;
            } else {
                r->on_delete = g_pick(s, 4);
                if (r->on_delete == 3)
                    r->optional = true;
            }
        }
        break;
    case 16:
        g_new_m2m(s);
        break;
    case 17:
        if (s->nmm)
            s->mm[g_pick(s, s->nmm)].alive = false;
        break;
    case 18: {
        int e = g_alive_enum(s);
        int what = g_pick(s, 4);
        if (e >= 0 && what == 0)
            s->e[e].alive = false; /* fields using it turn into String */
        else if (e >= 0 && what == 1 && !g_no_renames)
            s->e[e].mapped ^= true;
        else if (e >= 0 && what == 2 && !g_no_renames)
            s->e[e].vmapped[g_pick(s, s->e[e].nvalues)] ^= true;
        else
            g_new_enum(s);
        break;
    }
    case 19:
        if (f && !f->list)
            f->unique = !f->unique;
        break;
    }
    g_prune(s);
}

/* ---- rendering ----------------------------------------------------------------- */

static const char *g_on_delete[] = {"Cascade", "Restrict", "NoAction", "SetNull"};

G_FN void g_put_type(buf *b, const gspec *s, const gfield *f)
{
    switch (f->type) {
    case G_STRING: buf_puts(b, "String"); break;
    case G_INT: buf_puts(b, "Int"); break;
    case G_BIGINT: buf_puts(b, "BigInt"); break;
    case G_FLOAT: buf_puts(b, "Float"); break;
    case G_BOOL: buf_puts(b, "Boolean"); break;
    case G_DATETIME: buf_puts(b, "DateTime"); break;
    case G_DECIMAL: buf_puts(b, "Decimal"); break;
    case G_JSON: buf_puts(b, "Json"); break;
    case G_ENUM: buf_printf(b, "E%d", f->enum_idx); break;
    case G_VARCHAR: buf_puts(b, "String"); break;
    case G_TIMESTAMPTZ: buf_puts(b, "DateTime"); break;
    case G_SMALLINT: buf_puts(b, "Int"); break;
    }
    (void)s;
    if (f->list)
        buf_puts(b, "[]");
    else if (f->optional)
        buf_putc(b, '?');
}

G_FN void g_put_default(buf *b, const gspec *s, const gfield *f)
{
    if (f->list) {
        switch (f->type) {
        case G_STRING: buf_puts(b, " @default([\"a\", \"it's\"])"); break;
        case G_INT: buf_puts(b, " @default([1, 2])"); break;
        case G_ENUM: buf_printf(b, " @default([V%d])", s->e[f->enum_idx].values[0]); break;
        }
        return;
    }
    switch (f->type) {
    case G_STRING: buf_puts(b, " @default(\"it's\")"); break;
    case G_INT: buf_puts(b, " @default(7)"); break;
    case G_BIGINT: buf_puts(b, " @default(9)"); break;
    case G_FLOAT: buf_puts(b, " @default(1.5)"); break;
    case G_BOOL: buf_puts(b, " @default(true)"); break;
    case G_DATETIME: buf_puts(b, " @default(now())"); break;
    case G_DECIMAL: buf_puts(b, " @default(2.5)"); break;
    case G_JSON: buf_puts(b, " @default(\"{}\")"); break;
    case G_ENUM: buf_printf(b, " @default(V%d)", s->e[f->enum_idx].values[0]); break;
    case G_VARCHAR: buf_puts(b, " @default(\"v\")"); break;
    case G_TIMESTAMPTZ: buf_puts(b, " @default(now())"); break;
    case G_SMALLINT: buf_puts(b, " @default(3)"); break;
    }
}

G_FN void g_render(const gspec *s, buf *b)
{
    buf_puts(b, "datasource db {\n  provider = \"postgresql\"\n}\n");
    for (int i = 0; i < s->ne; i++) {
        const genum *e = &s->e[i];
        if (!e->alive)
            continue;
        buf_printf(b, "\nenum E%d {\n", i);
        for (int k = 0; k < e->nvalues; k++)
            if (e->vmapped[k])
                buf_printf(b, "  V%d @map(\"v%d\")\n", e->values[k], e->values[k]);
            else
                buf_printf(b, "  V%d\n", e->values[k]);
        if (e->mapped)
            buf_printf(b, "\n  @@map(\"e%d_type\")\n", i);
        buf_puts(b, "}\n");
    }
    for (int i = 0; i < s->nm; i++) {
        const gmodel *m = &s->m[i];
        if (!m->alive)
            continue;
        buf_printf(b, "\nmodel M%d {\n", m->name);
        buf_puts(b, m->string_id ? "  id String @id\n" : "  id Int @id @default(autoincrement())\n");
        for (int k = 0; k < m->nf; k++) {
            const gfield *f = &m->f[k];
            if (!f->alive)
                continue;
            buf_printf(b, "  f%d ", f->name);
            g_put_type(b, s, f);
            if (f->type == G_VARCHAR)
                buf_printf(b, " @db.VarChar(%d)", f->varchar);
            if (f->type == G_TIMESTAMPTZ)
                buf_puts(b, " @db.Timestamptz(6)");
            if (f->type == G_SMALLINT)
                buf_puts(b, " @db.SmallInt");
            if (f->has_default)
                g_put_default(b, s, f);
            if (f->unique && !f->list)
                buf_puts(b, " @unique");
            if (f->mapped)
                buf_printf(b, " @map(\"f%d_col\")", f->name);
            buf_putc(b, '\n');
        }
        for (int k = 0; k < m->nrel; k++) {
            const grel *r = &m->rel[k];
            if (!r->alive)
                continue;
            const gmodel *t = &s->m[r->target];
            buf_printf(b, "  r%dId %s%s%s\n", r->id, t->string_id ? "String" : "Int",
                       r->optional ? "?" : "", r->one_to_one ? " @unique" : "");
            buf_printf(b,
                       "  r%d M%d%s @relation(\"R%d\", fields: [r%dId], references: [id], "
                       "onDelete: %s)\n",
                       r->id, t->name, r->optional ? "?" : "", r->id, r->id,
                       g_on_delete[r->on_delete]);
        }
        /* Back relations of relations pointing here, and m:n fields. */
        for (int j = 0; j < s->nm; j++) {
            if (!s->m[j].alive)
                continue;
            for (int k = 0; k < s->m[j].nrel; k++) {
                const grel *r = &s->m[j].rel[k];
                if (r->alive && r->target == i)
                    buf_printf(b, "  in%d M%d%s @relation(\"R%d\")\n", r->id, s->m[j].name,
                               r->one_to_one ? "?" : "[]", r->id);
            }
        }
        for (int k = 0; k < s->nmm; k++) {
            const gm2m *x = &s->mm[k];
            if (!x->alive)
                continue;
            if (x->a == i)
                buf_printf(b, "  mm%d M%d[] @relation(\"MM%d\")\n", x->id, s->m[x->b].name, x->id);
            if (x->b == i)
                buf_printf(b, "  mm%d M%d[] @relation(\"MM%d\")\n", x->id, s->m[x->a].name, x->id);
        }
        for (int k = 0; k < m->nix; k++) {
            const gindex *x = &m->ix[k];
            if (!x->alive)
                continue;
            buf_printf(b, "  @@%s([f%d%s", x->unique ? "unique" : "index", m->f[x->f[0]].name,
                       x->desc ? "(sort: Desc)" : "");
            if (x->f[1] >= 0)
                buf_printf(b, ", f%d", m->f[x->f[1]].name);
            buf_putc(b, ']');
            if (x->hash)
                buf_puts(b, ", type: Hash");
            if (x->mapped)
                buf_printf(b, ", map: \"ix_%d_%d\"", m->name, k);
            buf_puts(b, ")\n");
        }
        if (m->mapped)
            buf_printf(b, "  @@map(\"m%d_tbl\")\n", m->name);
        buf_puts(b, "}\n");
    }
}

/* Schema texts A and B of round-trip case `seed` (caller frees both). */
G_FN void gen_case(uint64_t seed, char **a, char **b)
{
    gspec s;
    g_initial(&s, seed);
    g_prune(&s);
    buf ba = BUF_INIT, bb = BUF_INIT;
    g_render(&s, &ba);
    int n = 1 + g_pick(&s, 4);
    for (int i = 0; i < n; i++)
        g_mutate(&s);
    g_render(&s, &bb);
    *a = buf_steal(&ba);
    *b = buf_steal(&bb);
}

#endif
