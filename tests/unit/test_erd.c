/*
 * test_erd.c — `refract erd`: what a user looks at must be right and
 * readable. Cardinalities as the schema says them, names that cannot break
 * the output (Mermaid, DOT or XML), an SVG that is well-formed XML, and no
 * two boxes on top of each other on every PostgreSQL schema of the corpus.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "erd/erd.h"
#include "model/model.h"
#include "parse/parse.h"

#ifndef REFRACT_BIN
#define REFRACT_BIN "build/refract"
#endif

static const char blog[] =
    "datasource db {\n  provider = \"postgresql\"\n}\n"
    "enum Role {\n  READER\n  ADMIN\n}\n"
    "model User {\n  id Int @id\n  email String @unique\n  role Role\n  posts Post[]\n"
    "  comments Comment[]\n  profile Profile?\n}\n"
    "model Profile {\n  id Int @id\n  userId Int @unique\n  user User @relation(fields: [userId], references: [id])\n}\n"
    "model Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n"
    "  tags Tag[]\n  comments Comment[]\n}\n"
    "model Tag {\n  id Int @id\n  posts Post[]\n}\n"
    "model Comment {\n  id Int @id\n  postId Int\n  post Post @relation(fields: [postId], references: [id])\n"
    "  authorId Int?\n  author User? @relation(fields: [authorId], references: [id])\n"
    "  parentId Int?\n  parent Comment? @relation(\"Thread\", fields: [parentId], references: [id])\n"
    "  replies Comment[] @relation(\"Thread\")\n}\n";

/* ---- helpers ---------------------------------------------------------------- */

typedef struct loaded {
    ast_schema ast;
    arena a;
    diag_list diags;
    model_schema *model;
} loaded;

static void load_text(loaded *l, const char *text)
{
    char path[] = "/tmp/refract-erd-XXXXXX.prisma";
    int fd = mkstemps(path, 7);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    memset(l, 0, sizeof *l);
    ck_assert_int_eq(parse_path(&l->ast, path, &l->diags), 0);
    l->model = model_resolve(&l->ast, &l->a, &l->diags);
    unlink(path);
    ck_assert_ptr_nonnull(l->model);
}

static void unload(loaded *l)
{
    diag_list_free(&l->diags);
    ast_schema_free(&l->ast);
    arena_free(&l->a);
}

static char *render(const model_schema *m, erd_format f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    arena a = ARENA_INIT;
    erd_graph g;
    erd_build(&g, m, &a);
    erd_write(out, &g, f, &a);
    fclose(out);
    arena_free(&a);
    return text;
}

/* A small XML 1.0 well-formedness check: balanced and properly nested tags,
 * quoted attributes, known entities, no raw '<' or control characters in
 * text, one root element. Returns NULL or what is wrong. */
static const char *xml_problem(const char *s)
{
    static char why[200];
    const char *stack[256];
    size_t lens[256], depth = 0, roots = 0;
    for (const char *p = s; *p;) {
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            return "control character";
        if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            size_t i;
            for (i = 0; i < 5; i++)
                if (!strncmp(p, ents[i], strlen(ents[i])))
                    break;
            if (i == 5 && p[1] != '#')
                return "bad entity";
            p = strchr(p, ';') + 1;
            continue;
        }
        if (*p != '<') {
            if (*p == '>')
                return "raw '>' in text"; /* legal, but our writer never emits one */
            p++;
            continue;
        }
        if (!strncmp(p, "<?", 2)) {
            p = strstr(p, "?>");
            if (!p)
                return "unterminated <?";
            p += 2;
            continue;
        }
        if (!strncmp(p, "</", 2)) {
            const char *name = p + 2;
            size_t n = strcspn(name, ">");
            if (!depth || n != lens[depth - 1] || strncmp(name, stack[depth - 1], n)) {
                snprintf(why, sizeof why, "mismatched </%.*s>", (int)n, name);
                return why;
            }
            depth--;
            p = name + n + 1;
            continue;
        }
        const char *name = p + 1;
        size_t n = strcspn(name, " \t\n/>");
        if (!n)
            return "empty tag name";
        const char *q = name + n;
        for (;;) { /* attributes */
            while (*q == ' ' || *q == '\n' || *q == '\t')
                q++;
            if (*q == '/' || *q == '>' || !*q)
                break;
            size_t an = strcspn(q, "= \t\n/>");
            if (!an || q[an] != '=' || q[an + 1] != '"')
                return "unquoted attribute";
            q += an + 2;
            while (*q && *q != '"') {
                if (*q == '<')
                    return "'<' in an attribute";
                if (*q == '&' && strncmp(q, "&amp;", 5) && strncmp(q, "&lt;", 4) && strncmp(q, "&gt;", 4) &&
                    strncmp(q, "&quot;", 6) && strncmp(q, "&apos;", 6) && q[1] != '#')
                    return "bad entity in an attribute";
                q++;
            }
            if (!*q)
                return "unterminated attribute";
            q++;
        }
        if (!*q)
            return "unterminated tag";
        if (!depth && roots++)
            return "more than one root";
        if (*q == '/') {
            if (q[1] != '>')
                return "bad self-closing tag";
            p = q + 2;
            continue;
        }
        if (depth == 256)
            return "too deep";
        stack[depth] = name;
        lens[depth++] = n;
        p = q + 1;
    }
    return depth ? "unclosed element" : roots == 1 ? NULL : "no root";
}

/* The number of pairs of boxes that overlap (touching edges do not). */
static size_t overlaps(const erd_graph *g)
{
    size_t bad = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        for (size_t j = i + 1; j < g->nnodes; j++) {
            const erd_node *a = &g->nodes[i], *b = &g->nodes[j];
            if (a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h)
                bad++;
        }
    return bad;
}

static void assert_readable(const model_schema *m, const char *what)
{
    arena a = ARENA_INIT;
    erd_graph g;
    erd_build(&g, m, &a);
    erd_layout(&g, &a);
    ck_assert_msg(overlaps(&g) == 0, "%s: %zu overlapping boxes", what, overlaps(&g));
    for (size_t i = 0; i < g.nnodes; i++) {
        const erd_node *n = &g.nodes[i];
        ck_assert_msg(n->w > 0 && n->h > 0 && n->x >= 0 && n->y >= 0 && n->x + n->w <= g.width &&
                          n->y + n->h <= g.height,
                      "%s: box %s outside the picture", what, n->name);
    }
    /* one picture, not a strip: within 1:4 .. 4:1 once there are many boxes */
    if (g.nnodes >= 20)
        ck_assert_msg(g.width < 4 * g.height && g.height < 4 * g.width, "%s: %.0f x %.0f", what,
                      g.width, g.height);
    arena_free(&a);
    char *svg = render(m, ERD_SVG);
    const char *why = xml_problem(svg);
    ck_assert_msg(why == NULL, "%s: SVG not well-formed: %s", what, why ? why : "");
    free(svg);
}

/* ---- cardinalities ---------------------------------------------------------------- */

START_TEST(mermaid_says_each_relation_cardinality)
{
    loaded l;
    load_text(&l, blog);
    char *text = render(l.model, ERD_MERMAID);
    ck_assert_ptr_nonnull(strstr(text, "erDiagram\n"));
    /* required to-one: exactly one author; optional: zero or one */
    ck_assert_ptr_nonnull(strstr(text, "  User ||--o{ Post : \"author\"\n"));
    ck_assert_ptr_nonnull(strstr(text, "  User |o--o{ Comment : \"author\"\n"));
    /* 1:1 through a unique FK */
    ck_assert_ptr_nonnull(strstr(text, "  User ||--o| Profile : \"user\"\n"));
    /* implicit m:n: one line, no join table entity */
    ck_assert_ptr_nonnull(strstr(text, "  Post }o--o{ Tag : \"PostToTag\"\n"));
    ck_assert_ptr_null(strstr(text, "_PostToTag {"));
    /* self-relation */
    ck_assert_ptr_nonnull(strstr(text, "  Comment |o--o{ Comment : \"parent\"\n"));
    /* keys and the enum */
    ck_assert_ptr_nonnull(strstr(text, "    Int id PK\n"));
    ck_assert_ptr_nonnull(strstr(text, "    String email UK\n"));
    ck_assert_ptr_nonnull(strstr(text, "    Int userId FK, UK\n"));
    ck_assert_ptr_nonnull(strstr(text, "    Int authorId FK \"nullable\"\n"));
    ck_assert_ptr_nonnull(strstr(text, "  Role {\n    enum READER\n    enum ADMIN\n  }\n"));
    ck_assert_ptr_nonnull(strstr(text, "  Role ||..o{ User : \"role\"\n"));
    free(text);
    unload(&l);
}
END_TEST

START_TEST(dot_and_svg_carry_the_same_ends)
{
    loaded l;
    load_text(&l, blog);
    char *dot = render(l.model, ERD_DOT);
    ck_assert_ptr_nonnull(strstr(dot, "digraph schema {"));
    /* Post (n2) -> User (n0): many posts, exactly one author */
    ck_assert_ptr_nonnull(strstr(dot, "n2 -> n0 [arrowtail=crowodot, arrowhead=teetee, label=\"author\"]"));
    char *svg = render(l.model, ERD_SVG);
    ck_assert_ptr_null(xml_problem(svg));
    ck_assert_ptr_nonnull(strstr(svg, "marker-start=\"url(#many)\" marker-end=\"url(#one)\"><title>Post.author"));
    ck_assert_ptr_nonnull(strstr(svg, "marker-start=\"url(#many)\" marker-end=\"url(#zero-one)\"><title>Comment.author"));
    free(dot);
    free(svg);
    unload(&l);
}
END_TEST

/* A relation name is any string: it must not break out of its quotes. */
START_TEST(hostile_relation_names_stay_quoted)
{
    loaded l;
    load_text(&l, "datasource db {\n  provider = \"postgresql\"\n}\n"
                  "model A {\n  id Int @id\n  bs B[] @relation(\"x\\\" <y> & 'z'\\\\\")\n}\n"
                  "model B {\n  id Int @id\n  aId Int\n"
                  "  a A @relation(\"x\\\" <y> & 'z'\\\\\", fields: [aId], references: [id])\n}\n");
    char *mm = render(l.model, ERD_MERMAID);
    ck_assert_ptr_nonnull(strstr(mm, "A ||--o{ B : \"a\"\n"));
    free(mm);
    char *svg = render(l.model, ERD_SVG);
    ck_assert_ptr_null(xml_problem(svg));
    free(svg);
    unload(&l);
    /* m:n: the relation's name is the label */
    load_text(&l, "datasource db {\n  provider = \"postgresql\"\n}\n"
                  "model A {\n  id Int @id\n  bs B[] @relation(\"q\\\"<&>\")\n}\n"
                  "model B {\n  id Int @id\n  as A[] @relation(\"q\\\"<&>\")\n}\n");
    mm = render(l.model, ERD_MERMAID);
    ck_assert_ptr_nonnull(strstr(mm, "A }o--o{ B : \"q'<&>\"\n"));
    char *dot = render(l.model, ERD_DOT);
    ck_assert_ptr_nonnull(strstr(dot, "label=\"q\\\"<&>\""));
    svg = render(l.model, ERD_SVG);
    ck_assert_ptr_null(xml_problem(svg));
    ck_assert_ptr_nonnull(strstr(svg, "q&quot;&lt;&amp;&gt;"));
    free(mm);
    free(dot);
    free(svg);
    unload(&l);
}
END_TEST

/* Three relations between Issue and User, and two of Issue to itself: each
 * is its own line and its own label, not one line with three labels printed
 * over each other (as a tracker schema showed). */
START_TEST(parallel_relations_are_drawn_apart)
{
    loaded l;
    load_text(&l, "datasource db {\n  provider = \"postgresql\"\n}\n"
                  "model User {\n  id Int @id\n  reported Issue[] @relation(\"reporter\")\n"
                  "  assigned Issue[] @relation(\"assignee\")\n  watching Issue[] @relation(\"watchers\")\n}\n"
                  "model Issue {\n  id Int @id\n  reporterId Int\n  assigneeId Int?\n  parentId Int?\n  dupId Int?\n"
                  "  reporter User @relation(\"reporter\", fields: [reporterId], references: [id])\n"
                  "  assignee User? @relation(\"assignee\", fields: [assigneeId], references: [id])\n"
                  "  watchers User[] @relation(\"watchers\")\n"
                  "  parent Issue? @relation(\"sub\", fields: [parentId], references: [id])\n"
                  "  children Issue[] @relation(\"sub\")\n"
                  "  dup Issue? @relation(\"dup\", fields: [dupId], references: [id])\n"
                  "  dups Issue[] @relation(\"dup\")\n}\n");
    char *svg = render(l.model, ERD_SVG);
    ck_assert_ptr_null(xml_problem(svg));
    /* every relation line has its own path */
    char paths[8][128];
    size_t npaths = 0;
    for (const char *p = svg; (p = strstr(p, "<path class=\"rel\" d=\"")) != NULL; p++) {
        p += strlen("<path class=\"rel\" d=\"");
        ck_assert_uint_lt(npaths, 8);
        size_t n = strcspn(p, "\"");
        ck_assert_uint_lt(n, sizeof paths[0]);
        memcpy(paths[npaths], p, n);
        paths[npaths++][n] = 0;
    }
    ck_assert_uint_eq(npaths, 5);
    for (size_t i = 0; i < npaths; i++)
        for (size_t j = i + 1; j < npaths; j++)
            ck_assert_msg(strcmp(paths[i], paths[j]) != 0, "two relations share the line %s", paths[i]);
    /* every relation has a label, and no two labels sit within 10 px */
    double xs[8], ys[8];
    size_t nlabels = 0;
    for (const char *p = svg; (p = strstr(p, "<text class=\"label\" x=\"")) != NULL; p++) {
        ck_assert_uint_lt(nlabels, 8);
        ck_assert_int_eq(sscanf(p, "<text class=\"label\" x=\"%lf\" y=\"%lf\"", &xs[nlabels], &ys[nlabels]), 2);
        nlabels++;
    }
    ck_assert_uint_eq(nlabels, 5);
    for (size_t i = 0; i < nlabels; i++)
        for (size_t j = i + 1; j < nlabels; j++)
            ck_assert_msg(fabs(xs[i] - xs[j]) + fabs(ys[i] - ys[j]) >= 10,
                          "labels %zu and %zu overlap at (%.1f, %.1f)", i, j, xs[i], ys[i]);
    free(svg);
    unload(&l);
}
END_TEST

/* Relation labels of an SVG that a box covers (lines, and their labels,
 * are drawn under the boxes): a label is 10px text, about 6.2px a
 * character, centred on its x, from 8px above its baseline to 2px below. */
static size_t hidden_labels(const char *svg, char *first, size_t size)
{
    double bx[512], by[512], bw[512], bh[512];
    size_t nb = 0, hidden = 0;
    for (const char *p = svg; (p = strstr(p, "<rect class=\"box\" ")) != NULL && nb < 512; p++)
        if (sscanf(p, "<rect class=\"box\" x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"", &bx[nb],
                   &by[nb], &bw[nb], &bh[nb]) == 4)
            nb++;
    static const char head[] = "<text class=\"label\" x=\"";
    for (const char *p = svg; (p = strstr(p, head)) != NULL; p++) {
        double x, y;
        char text[128];
        if (sscanf(p, "<text class=\"label\" x=\"%lf\" y=\"%lf\" text-anchor=\"middle\">%127[^<]", &x, &y,
                   text) != 3)
            continue; /* a self-loop's label: beside its box by construction */
        double half = 6.2 * (double)strlen(text) / 2;
        for (size_t i = 0; i < nb; i++)
            if (x + half > bx[i] && x - half < bx[i] + bw[i] && y + 2 > by[i] && y - 8 < by[i] + bh[i]) {
                if (!hidden++)
                    snprintf(first, size, "%s at (%.1f, %.1f)", text, x, y);
                break;
            }
    }
    return hidden;
}

/* examples/trial's tracker (10 models, lines that cross boxes): no relation
 * label is drawn where a box hides it ("author" came out as "uthor"). */
START_TEST(relation_labels_are_not_hidden_by_boxes)
{
    const char *root = getenv("REFRACT_ROOT");
    char path[600];
    snprintf(path, sizeof path, "%s/examples/trial/schema.prisma", root ? root : ".");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    loaded l;
    load_text(&l, text);
    char *svg = render(l.model, ERD_SVG);
    char first[200] = "";
    size_t hidden = hidden_labels(svg, first, sizeof first);
    ck_assert_msg(hidden == 0, "%zu labels under boxes, the first: %s", hidden, first);
    ck_assert_ptr_nonnull(strstr(svg, ">author</text>"));
    free(svg);
    unload(&l);
    load_text(&l, blog);
    svg = render(l.model, ERD_SVG);
    ck_assert_uint_eq(hidden_labels(svg, first, sizeof first), 0);
    free(svg);
    unload(&l);
}
END_TEST

START_TEST(blog_is_readable)
{
    loaded l;
    load_text(&l, blog);
    assert_readable(l.model, "blog");
    unload(&l);
}
END_TEST

/* Many models: chains, stars, islands and enums; the layout stays
 * overlap-free and roughly square. */
START_TEST(synthetic_large_schema_is_readable)
{
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "datasource db {\n  provider = \"postgresql\"\n}\n"
                                                   "enum E {\n  A\n  B\n}\n");
    for (int i = 0; i < 400; i++) {
        /* every 10th model is an island; the others point at a hub of 40 */
        len += (size_t)snprintf(text + len, cap - len, "model M%d {\n  id Int @id\n  e E\n", i);
        for (int f = 0; f < i % 17; f++)
            len += (size_t)snprintf(text + len, cap - len, "  field%d String\n", f);
        if (i % 10 && i >= 40) {
            int to = i % 40;
            len += (size_t)snprintf(text + len, cap - len,
                                    "  m%dId Int\n  m%d M%d @relation(fields: [m%dId], references: [id])\n",
                                    to, to, to, to);
        }
        if (i < 40)
            for (int k = 40 + i; k < 400; k += 40)
                if (k % 10)
                    len += (size_t)snprintf(text + len, cap - len, "  back%d M%d[]\n", k, k);
        len += (size_t)snprintf(text + len, cap - len, "}\n");
    }
    loaded l;
    load_text(&l, text);
    ck_assert_uint_eq(l.diags.nerrors, 0);
    assert_readable(l.model, "synthetic");
    unload(&l);
    free(text);
}
END_TEST

START_TEST(every_postgres_corpus_schema_is_readable)
{
    const char *shared = getenv("REFRACT_SHARED");
    if (!shared) {
        printf("corpus skipped: REFRACT_SHARED unset\n");
        return;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/corpus/real", shared);
    DIR *d = opendir(dir);
    if (!d) {
        printf("corpus skipped: %s missing\n", dir);
        return;
    }
    size_t drawn = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        loaded l;
        memset(&l, 0, sizeof l);
        if (parse_path(&l.ast, path, &l.diags) == 0)
            l.model = model_resolve(&l.ast, &l.a, &l.diags);
        if (l.model && !l.diags.nerrors && l.model->has_datasource &&
            !strncmp(l.model->datasource.provider, "postgres", 8)) {
            assert_readable(l.model, e->d_name);
            drawn++;
        }
        unload(&l);
    }
    closedir(d);
    ck_assert_uint_ge(drawn, 10);
}
END_TEST

/* ---- the command ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/refract-erd-cli-XXXXXX";

static int run(const char *args)
{
    const char *bin = getenv("REFRACT_BIN");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && NO_COLOR=1 '%s' %s >out.txt 2>err.txt", tmpdir,
             bin ? bin : REFRACT_BIN, args);
    int status = system(cmd);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *slurp(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return text;
}

static void put(const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void cli_setup(void)
{
    strcpy(tmpdir, "/tmp/refract-erd-cli-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    put("schema.prisma", blog);
}

static void cli_teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

START_TEST(cli_formats_and_files)
{
    ck_assert_int_eq(run("erd"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "erDiagram\n"));
    ck_assert_int_eq(run("erd --format dot"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "digraph schema {"));
    /* the format follows --out's extension */
    ck_assert_int_eq(run("erd --out d.svg"), 0);
    ck_assert_ptr_null(xml_problem(slurp("d.svg")));
    ck_assert_int_eq(run("erd --out d.mmd"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("d.mmd"), "erDiagram\n"));
    ck_assert_int_eq(run("erd --format=dot --out d.txt"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("d.txt"), "digraph"));
}
END_TEST

START_TEST(cli_errors)
{
    ck_assert_int_eq(run("erd --format png"), 2);
    ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "unknown diagram format 'png'"));
    ck_assert_int_eq(run("erd --bogus"), 2);
    /* an extension that names no format we draw is refused, not written as
     * Mermaid text into a file that claims to be a picture */
    ck_assert_int_eq(run("erd --out schema.png"), 2);
    ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "cannot tell a diagram format from the name schema.png"));
    ck_assert_ptr_null(slurp("schema.png"));
    ck_assert_int_eq(run("erd --out notes.txt"), 2);
    ck_assert_ptr_null(slurp("notes.txt"));
    /* a dot in a folder's name is not an extension */
    char folder[600];
    snprintf(folder, sizeof folder, "%s/v1.2", tmpdir);
    ck_assert_int_eq(mkdir(folder, 0755), 0);
    ck_assert_int_eq(run("erd --out v1.2/diagram"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("v1.2/diagram"), "erDiagram\n"));
    ck_assert_int_eq(run("erd --help"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("out.txt"), "Usage: refract erd"));
    put("bad.prisma", "model A {\n  id Int @id\n  b Nope\n}\n");
    ck_assert_int_eq(run("erd --schema bad.prisma --out x.svg"), 1);
    ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "bad.prisma:3:"));
    ck_assert_ptr_null(slurp("x.svg")); /* nothing written */
    /* an unwritable place: an error, no crash */
    ck_assert_int_eq(run("erd --out no/such/dir/x.svg"), 1);
    ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "cannot write no/such/dir/x.svg"));
}
END_TEST

/* provider = "refract-erd": `refract generate` draws it beside the client. */
START_TEST(generator_block_draws_on_generate)
{
    char text[sizeof blog + 256];
    snprintf(text, sizeof text,
             "generator erd {\n  provider = \"refract-erd\"\n  output = \"docs/schema.svg\"\n}\n%s", blog);
    put("schema.prisma", text);
    ck_assert_int_eq(run("generate"), 0);
    const char *svg = slurp("docs/schema.svg");
    ck_assert_ptr_nonnull(svg);
    ck_assert_ptr_null(xml_problem(svg));
    snprintf(text, sizeof text,
             "generator erd {\n  provider = \"refract-erd\"\n  output = \"erd.txt\"\n  format = \"mermaid\"\n}\n"
             "generator client {\n  provider = \"refract\"\n  output = \"gen\"\n}\n%s",
             blog);
    put("schema.prisma", text);
    ck_assert_int_eq(run("generate"), 0);
    ck_assert_ptr_nonnull(strstr(slurp("erd.txt"), "erDiagram\n"));
    ck_assert_ptr_nonnull(slurp("gen/db.h"));
    /* the block's output must name a format too */
    snprintf(text, sizeof text,
             "generator erd {\n  provider = \"refract-erd\"\n  output = \"docs/schema.png\"\n}\n%s", blog);
    put("schema.prisma", text);
    ck_assert_int_eq(run("generate"), 1);
    ck_assert_ptr_nonnull(strstr(slurp("err.txt"), "cannot tell a diagram format"));
    ck_assert_ptr_null(slurp("docs/schema.png"));
}
END_TEST

static Suite *erd_suite(void)
{
    Suite *s = suite_create("erd");
    TCase *tc = tcase_create("graph");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mermaid_says_each_relation_cardinality);
    tcase_add_test(tc, dot_and_svg_carry_the_same_ends);
    tcase_add_test(tc, hostile_relation_names_stay_quoted);
    tcase_add_test(tc, parallel_relations_are_drawn_apart);
    tcase_add_test(tc, relation_labels_are_not_hidden_by_boxes);
    tcase_add_test(tc, blog_is_readable);
    tcase_add_test(tc, synthetic_large_schema_is_readable);
    tcase_add_test(tc, every_postgres_corpus_schema_is_readable);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, cli_setup, cli_teardown);
    tcase_add_test(tc, cli_formats_and_files);
    tcase_add_test(tc, cli_errors);
    tcase_add_test(tc, generator_block_draws_on_generate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(erd_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
