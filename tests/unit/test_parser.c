/*
 * test_parser.c — what the parser builds: every construct of the schema
 * language, comments and blank lines kept in order, places of nodes, and
 * multi-file schemas.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"

typedef struct parsed {
    ast_schema schema;
    diag_list diags;
    size_t nerrors;
} parsed;

static parsed *parse(const char *text)
{
    parsed *p = calloc(1, sizeof *p);
    p->nerrors = parse_text(&p->schema, "schema.prisma", text, strlen(text), &p->diags);
    return p;
}

/* Parse text that must be free of errors. */
static parsed *parse_ok(const char *text)
{
    parsed *p = parse(text);
    if (p->diags.count)
        diag_print(stderr, &p->diags, false);
    ck_assert_uint_eq(p->nerrors, 0);
    ck_assert_uint_eq(p->diags.count, 0);
    return p;
}

static void parsed_free(parsed *p)
{
    diag_list_free(&p->diags);
    ast_schema_free(&p->schema);
    free(p);
}

static const ast_member *member(const ast_block *b, size_t i)
{
    ck_assert_uint_lt(i, b->nmembers);
    return &b->members[i];
}

/* The n-th member of a kind (skipping comments and blank lines). */
static const ast_member *nth(const ast_block *b, ast_member_kind kind, size_t n)
{
    for (size_t i = 0; i < b->nmembers; i++)
        if (b->members[i].kind == kind && n-- == 0)
            return &b->members[i];
    ck_abort_msg("member not found");
    return NULL;
}

START_TEST(config_blocks)
{
    parsed *p = parse_ok("datasource db {\n"
                         "  provider   = \"postgresql\"\n"
                         "  url        = env(\"DATABASE_URL\")\n"
                         "  extensions = [pgcrypto, pgvector(map: \"vector\", schema: \"x\")]\n"
                         "}\n"
                         "\n"
                         "generator client {\n"
                         "  provider        = \"refract\"\n"
                         "  previewFeatures = []\n"
                         "  flag            = true\n"
                         "}\n");
    ck_assert_uint_eq(p->schema.nblocks, 2);
    const ast_block *ds = p->schema.blocks[0];
    ck_assert_int_eq(ds->kind, AST_BLOCK_DATASOURCE);
    ck_assert_str_eq(ds->name, "db");
    ck_assert_uint_eq(ds->nmembers, 3);

    const ast_member *prov = member(ds, 0);
    ck_assert_int_eq(prov->kind, AST_MEMBER_PROPERTY);
    ck_assert_str_eq(prov->name, "provider");
    ck_assert_int_eq(prov->value->kind, AST_EXPR_STRING);
    ck_assert_str_eq(prov->value->text, "postgresql");

    const ast_expr *url = member(ds, 1)->value;
    ck_assert_int_eq(url->kind, AST_EXPR_FUNC);
    ck_assert_str_eq(url->text, "env");
    ck_assert_uint_eq(url->args.count, 1);
    ck_assert_str_eq(ast_arg_positional(&url->args, 0)->value->text, "DATABASE_URL");

    const ast_expr *ext = member(ds, 2)->value;
    ck_assert_int_eq(ext->kind, AST_EXPR_ARRAY);
    ck_assert_uint_eq(ext->count, 2);
    ck_assert_int_eq(ext->items[0]->kind, AST_EXPR_CONST);
    ck_assert_str_eq(ext->items[0]->text, "pgcrypto");
    ck_assert_int_eq(ext->items[1]->kind, AST_EXPR_FUNC);
    ck_assert_str_eq(ext->items[1]->text, "pgvector");
    ck_assert_str_eq(ast_arg_named(&ext->items[1]->args, "map")->value->text, "vector");
    ck_assert_str_eq(ast_arg_named(&ext->items[1]->args, "schema")->value->text, "x");
    ck_assert_ptr_null(ast_arg_named(&ext->items[1]->args, "nope"));

    const ast_block *gen = p->schema.blocks[1];
    ck_assert_int_eq(gen->kind, AST_BLOCK_GENERATOR);
    ck_assert_int_eq(member(gen, 1)->value->kind, AST_EXPR_ARRAY);
    ck_assert_uint_eq(member(gen, 1)->value->count, 0);
    ck_assert_int_eq(member(gen, 2)->value->kind, AST_EXPR_CONST);
    ck_assert_str_eq(member(gen, 2)->value->text, "true");
    parsed_free(p);
}
END_TEST

START_TEST(fields_types_and_arity)
{
    parsed *p = parse_ok("model M {\n"
                         "  a Int\n"
                         "  b String?\n"
                         "  c String[]\n"
                         "  d Int[]?\n"
                         "  e Unsupported(\"circle\")?\n"
                         "  f Other []\n"
                         "}\n");
    const ast_block *m = p->schema.blocks[0];
    ck_assert_int_eq(m->kind, AST_BLOCK_MODEL);
    ck_assert_uint_eq(m->nmembers, 6);
    ck_assert_int_eq(member(m, 0)->kind, AST_MEMBER_FIELD);
    ck_assert_str_eq(member(m, 0)->type.name, "Int");
    ck_assert_int_eq(member(m, 0)->type.arity, AST_REQUIRED);
    ck_assert_int_eq(member(m, 1)->type.arity, AST_OPTIONAL);
    ck_assert_int_eq(member(m, 2)->type.arity, AST_LIST);
    ck_assert(!member(m, 2)->type.optional_list);
    ck_assert_int_eq(member(m, 3)->type.arity, AST_LIST);
    ck_assert(member(m, 3)->type.optional_list);
    const ast_field_type *e = &member(m, 4)->type;
    ck_assert_str_eq(e->name, "Unsupported");
    ck_assert_int_eq(e->arity, AST_OPTIONAL);
    ck_assert_ptr_nonnull(e->unsupported);
    ck_assert_str_eq(e->unsupported->text, "circle");
    ck_assert_ptr_null(member(m, 0)->type.unsupported);
    ck_assert_int_eq(member(m, 5)->type.arity, AST_LIST);
    parsed_free(p);
}
END_TEST

START_TEST(field_attributes_and_arguments)
{
    parsed *p = parse_ok("model M {\n"
                         "  id    Int    @id @default(autoincrement())\n"
                         "  name  String @db.VarChar(200) @map(name: \"n\")\n"
                         "  score Float  @default(-1.5)\n"
                         "  big   Int    @default(42)\n"
                         "  when  DateTime @updatedAt\n"
                         "}\n");
    const ast_block *m = p->schema.blocks[0];
    const ast_member *id = member(m, 0);
    ck_assert_uint_eq(id->nattrs, 2);
    ck_assert_str_eq(id->attrs[0].name, "id");
    ck_assert(!id->attrs[0].has_parens);
    ck_assert(!id->attrs[0].is_block);
    const ast_attribute *def = ast_member_attr(id, "default");
    ck_assert_ptr_nonnull(def);
    ck_assert(def->has_parens);
    ck_assert_int_eq(def->args.items[0].value->kind, AST_EXPR_FUNC);
    ck_assert_str_eq(def->args.items[0].value->text, "autoincrement");
    ck_assert_uint_eq(def->args.items[0].value->args.count, 0);
    ck_assert_ptr_null(ast_member_attr(id, "unique"));

    const ast_member *name = member(m, 1);
    ck_assert_str_eq(name->attrs[0].name, "db.VarChar");
    ck_assert_int_eq(name->attrs[0].args.items[0].value->kind, AST_EXPR_NUMBER);
    ck_assert_str_eq(name->attrs[0].args.items[0].value->text, "200");
    ck_assert_str_eq(name->attrs[1].args.items[0].name, "name");
    ck_assert_ptr_null(ast_arg_positional(&name->attrs[1].args, 0));

    ck_assert_str_eq(member(m, 2)->attrs[0].args.items[0].value->text, "-1.5");
    ck_assert_str_eq(member(m, 3)->attrs[0].args.items[0].value->text, "42");
    ck_assert(!member(m, 4)->attrs[0].has_parens);
    parsed_free(p);
}
END_TEST

START_TEST(block_attributes_with_nested_calls)
{
    parsed *p = parse_ok("model M {\n"
                         "  a Int\n"
                         "  b String\n"
                         "  @@index([a(sort: Desc), b(ops: raw(\"gin_trgm_ops\"))], type: Gin)\n"
                         "  @@id([a, b])\n"
                         "  @@map(\"m\")\n"
                         "}\n");
    const ast_block *m = p->schema.blocks[0];
    const ast_member *idx = nth(m, AST_MEMBER_ATTRIBUTE, 0);
    ck_assert_uint_eq(idx->nattrs, 1);
    const ast_attribute *at = &idx->attrs[0];
    ck_assert(at->is_block);
    ck_assert_str_eq(at->name, "index");
    ck_assert_uint_eq(at->args.count, 2);
    const ast_expr *fields = ast_arg_positional(&at->args, 0)->value;
    ck_assert_int_eq(fields->kind, AST_EXPR_ARRAY);
    ck_assert_uint_eq(fields->count, 2);
    ck_assert_str_eq(fields->items[0]->text, "a");
    ck_assert_str_eq(ast_arg_named(&fields->items[0]->args, "sort")->value->text, "Desc");
    const ast_expr *ops = ast_arg_named(&fields->items[1]->args, "ops")->value;
    ck_assert_int_eq(ops->kind, AST_EXPR_FUNC);
    ck_assert_str_eq(ops->text, "raw");
    ck_assert_str_eq(ops->args.items[0].value->text, "gin_trgm_ops");
    ck_assert_str_eq(ast_arg_named(&at->args, "type")->value->text, "Gin");
    ck_assert_str_eq(nth(m, AST_MEMBER_ATTRIBUTE, 2)->attrs[0].name, "map");
    parsed_free(p);
}
END_TEST

START_TEST(enums_views_and_types)
{
    parsed *p = parse_ok("enum Role {\n"
                         "  USER  @map(\"user\")\n"
                         "  ADMIN\n"
                         "  @@map(\"roles\")\n"
                         "}\n"
                         "view V {\n"
                         "  id Int @unique\n"
                         "}\n"
                         "type Address {\n"
                         "  street String\n"
                         "}\n");
    ck_assert_uint_eq(p->schema.nblocks, 3);
    const ast_block *e = p->schema.blocks[0];
    ck_assert_int_eq(e->kind, AST_BLOCK_ENUM);
    ck_assert_int_eq(member(e, 0)->kind, AST_MEMBER_ENUM_VALUE);
    ck_assert_str_eq(member(e, 0)->name, "USER");
    ck_assert_str_eq(member(e, 0)->attrs[0].name, "map");
    ck_assert_str_eq(member(e, 1)->name, "ADMIN");
    ck_assert_uint_eq(member(e, 1)->nattrs, 0);
    ck_assert_int_eq(member(e, 2)->kind, AST_MEMBER_ATTRIBUTE);
    ck_assert_int_eq(p->schema.blocks[1]->kind, AST_BLOCK_VIEW);
    ck_assert_int_eq(p->schema.blocks[2]->kind, AST_BLOCK_TYPE);
    ck_assert_str_eq(ast_block_kind_name(AST_BLOCK_TYPE), "type");
    ck_assert_str_eq(ast_block_kind_name(AST_BLOCK_DATASOURCE), "datasource");
    parsed_free(p);
}
END_TEST

START_TEST(keywords_as_field_names)
{
    parsed *p = parse_ok("model model {\n"
                         "  type       String\n"
                         "  model      Int @id\n"
                         "  enum       String\n"
                         "  view       String\n"
                         "  datasource String\n"
                         "  generator  String\n"
                         "}\n");
    const ast_block *m = p->schema.blocks[0];
    ck_assert_str_eq(m->name, "model");
    ck_assert_uint_eq(m->nmembers, 6);
    const char *names[] = {"type", "model", "enum", "view", "datasource", "generator"};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(member(m, i)->kind, AST_MEMBER_FIELD);
        ck_assert_str_eq(member(m, i)->name, names[i]);
    }
    parsed_free(p);
}
END_TEST

START_TEST(doc_comments_attach_to_the_next_declaration)
{
    parsed *p = parse_ok("/// The user.\n"
                         "/// Second line.\n"
                         "model User {\n"
                         "  /// Primary key.\n"
                         "  id Int @id\n"
                         "  /// Detached doc.\n"
                         "\n"
                         "  name String\n"
                         "}\n"
                         "enum E {\n"
                         "  /// first value\n"
                         "  A\n"
                         "}\n");
    const ast_block *u = p->schema.blocks[0];
    ck_assert_str_eq(u->doc, " The user.\n Second line.");
    const ast_member *id = nth(u, AST_MEMBER_FIELD, 0);
    ck_assert_str_eq(id->doc, " Primary key.");
    /* A doc comment followed by a blank line documents nothing: it stays a comment. */
    ck_assert_int_eq(member(u, 1)->kind, AST_MEMBER_COMMENT);
    ck_assert_str_eq(member(u, 1)->comment, "/// Detached doc.");
    ck_assert_int_eq(member(u, 2)->kind, AST_MEMBER_BLANK);
    ck_assert_ptr_null(nth(u, AST_MEMBER_FIELD, 1)->doc);
    ck_assert_str_eq(nth(p->schema.blocks[1], AST_MEMBER_ENUM_VALUE, 0)->doc, " first value");
    ck_assert_ptr_null(p->schema.blocks[1]->doc);
    parsed_free(p);
}
END_TEST

START_TEST(comments_and_blank_lines_are_kept_in_order)
{
    parsed *p = parse_ok("// header\n"
                         "\n"
                         "\n"
                         "model M { // opens\n"
                         "  // about id\n"
                         "  id Int @id // the key\n"
                         "\n"
                         "\n"
                         "\n"
                         "  /* block\n"
                         "     comment */\n"
                         "  @@map(\"m\") // mapped\n"
                         "} // closes\n"
                         "/* tail */\n");
    const ast_source *src = &p->schema.sources[0];
    ck_assert_uint_eq(src->nitems, 4);
    ck_assert_int_eq(src->items[0].kind, AST_ITEM_COMMENT);
    ck_assert_str_eq(src->items[0].comment, "// header");
    ck_assert_int_eq(src->items[1].kind, AST_ITEM_BLANK);
    ck_assert_uint_eq(src->items[1].blank_lines, 2);
    ck_assert_int_eq(src->items[2].kind, AST_ITEM_BLOCK);
    ck_assert_int_eq(src->items[3].kind, AST_ITEM_COMMENT);
    ck_assert_str_eq(src->items[3].comment, "/* tail */");

    const ast_block *m = src->items[2].block;
    ck_assert_str_eq(m->comment, "// opens");
    ck_assert_str_eq(m->close_comment, "// closes");
    ck_assert_uint_eq(m->nmembers, 5);
    ck_assert_int_eq(member(m, 0)->kind, AST_MEMBER_COMMENT);
    ck_assert_str_eq(member(m, 0)->comment, "// about id");
    ck_assert_int_eq(member(m, 1)->kind, AST_MEMBER_FIELD);
    ck_assert_str_eq(member(m, 1)->comment, "// the key");
    ck_assert_int_eq(member(m, 2)->kind, AST_MEMBER_BLANK);
    ck_assert_uint_eq(member(m, 2)->blank_lines, 3);
    ck_assert_int_eq(member(m, 3)->kind, AST_MEMBER_COMMENT);
    ck_assert_str_eq(member(m, 3)->comment, "/* block\n     comment */");
    ck_assert_int_eq(member(m, 4)->kind, AST_MEMBER_ATTRIBUTE);
    ck_assert_str_eq(member(m, 4)->comment, "// mapped");
    parsed_free(p);
}
END_TEST

START_TEST(block_comments_where_prisma_allows_them)
{
    parsed *p = parse_ok("/* top */ model N {\n"
                         "  id Int @id /* trailing */\n"
                         "  /* before */ a Int\n"
                         "} /* close */\n");
    const ast_block *n = p->schema.blocks[0];
    ck_assert_str_eq(nth(n, AST_MEMBER_FIELD, 0)->comment, "/* trailing */");
    ck_assert_int_eq(member(n, 1)->kind, AST_MEMBER_COMMENT);
    ck_assert_str_eq(nth(n, AST_MEMBER_FIELD, 1)->name, "a");
    ck_assert_str_eq(n->close_comment, "/* close */");
    parsed_free(p);
}
END_TEST

START_TEST(crlf_tabs_and_no_final_newline)
{
    parsed *p = parse_ok("model M {\r\n\tid\tInt\t@id\r\n\r\n\tname String\r\n}");
    const ast_block *m = p->schema.blocks[0];
    ck_assert_uint_eq(m->nmembers, 3);
    ck_assert_int_eq(member(m, 1)->kind, AST_MEMBER_BLANK);
    const ast_member *name = member(m, 2);
    ck_assert_uint_eq(name->name_loc.line, 4);
    ck_assert_uint_eq(name->name_loc.col, 2);
    ck_assert_uint_eq(m->loc.end_line, 5);
    parsed_free(p);
}
END_TEST

START_TEST(non_ascii_names_and_escaped_strings)
{
    parsed *p = parse_ok("model Lööp {\n"
                         "  名前 String @default(\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\")\n"
                         "}\n");
    const ast_block *m = p->schema.blocks[0];
    ck_assert_str_eq(m->name, "Lööp");
    const ast_member *f = member(m, 0);
    ck_assert_str_eq(f->name, "名前");
    const ast_expr *s = f->attrs[0].args.items[0].value;
    ck_assert_str_eq(s->text, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ /");
    ck_assert_str_eq(s->raw, "caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/");
    parsed_free(p);
}
END_TEST

START_TEST(positions_of_nodes)
{
    const char *text = "model User {\n"
                       "  id    Int     @id\n"
                       "  email String? @unique(map: \"e\")\n"
                       "}\n";
    parsed *p = parse_ok(text);
    const ast_block *b = p->schema.blocks[0];
    ck_assert_uint_eq(b->loc.start, 0);
    ck_assert_uint_eq(b->loc.end, strlen(text) - 1); /* through the `}` */
    ck_assert_uint_eq(b->keyword_loc.end, 5);
    ck_assert_uint_eq(b->name_loc.start, 6);
    ck_assert_uint_eq(b->name_loc.end, 10);
    ck_assert_ptr_eq(b->loc.file, b->name_loc.file);
    ck_assert_str_eq(b->loc.file->path, "schema.prisma");

    const ast_member *email = member(b, 1);
    const char *line2 = strstr(text, "  email");
    uint32_t at = (uint32_t)(line2 - text);
    ck_assert_uint_eq(email->name_loc.start, at + 2);
    ck_assert_uint_eq(email->name_loc.end, at + 7);
    ck_assert_uint_eq(email->name_loc.line, 3);
    ck_assert_uint_eq(email->name_loc.col, 3);
    ck_assert_uint_eq(email->name_loc.end_col, 8);
    ck_assert_uint_eq(email->type.loc.col, 9);
    ck_assert_uint_eq(email->type.loc.end_col, 16); /* "String?" */
    const ast_attribute *u = &email->attrs[0];
    ck_assert_uint_eq(u->loc.col, 17);
    ck_assert_uint_eq(u->name_loc.col, 18); /* after the '@' */
    ck_assert_uint_eq(u->args.loc.col, 24);
    ck_assert_uint_eq(u->loc.end_col, u->args.loc.end_col);
    ck_assert_uint_eq(u->args.items[0].name_loc.col, 25);
    ck_assert_uint_eq(u->args.items[0].value->loc.col, 30);
    ck_assert_uint_eq(u->args.items[0].value->loc.end - u->args.items[0].value->loc.start, 3);
    /* the field spans from its name to its last attribute */
    ck_assert_uint_eq(email->loc.col, 3);
    ck_assert_uint_eq(email->loc.end, u->loc.end);
    parsed_free(p);
}
END_TEST

START_TEST(several_texts_make_one_schema)
{
    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    const char *a = "model A {\n  id Int @id\n}\n";
    const char *b = "model B {\n  id Int @id\n}\nenum E {\n  X\n}\n";
    ck_assert_uint_eq(parse_text(&schema, "a.prisma", a, strlen(a), &diags), 0);
    ck_assert_uint_eq(parse_text(&schema, "b.prisma", b, strlen(b), &diags), 0);
    ck_assert_uint_eq(schema.nsources, 2);
    ck_assert_uint_eq(schema.nblocks, 3);
    ck_assert_str_eq(schema.blocks[0]->name, "A");
    ck_assert_str_eq(schema.blocks[2]->name, "E");
    ck_assert_str_eq(schema.blocks[2]->loc.file->path, "b.prisma");
    ck_assert_str_eq(schema.sources[1].file.path, "b.prisma");
    diag_list_free(&diags);
    ast_schema_free(&schema);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(folder_schema_sorted_and_nested)
{
    char dir[] = "/tmp/refract-parse-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/sub", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/b.prisma", dir);
    write_file(path, "model B {\n  id Int @id\n}\n");
    snprintf(path, sizeof path, "%s/sub/c.prisma", dir);
    write_file(path, "model C {\n  id Int @id\n  broken line here\n}\n");
    snprintf(path, sizeof path, "%s/a.prisma", dir);
    write_file(path, "datasource db {\n  provider = \"postgresql\"\n}\n");
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    write_file(path, "model X {\n");

    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_uint_eq(parse_path(&schema, dir, &diags), 1);
    ck_assert_uint_eq(schema.nsources, 3);
    ck_assert_ptr_nonnull(strstr(schema.sources[0].file.path, "/a.prisma"));
    ck_assert_ptr_nonnull(strstr(schema.sources[1].file.path, "/b.prisma"));
    ck_assert_ptr_nonnull(strstr(schema.sources[2].file.path, "/sub/c.prisma"));
    ck_assert_uint_eq(schema.nblocks, 3);
    ck_assert_str_eq(schema.blocks[2]->name, "C");
    /* the error names the file it is in */
    ck_assert_uint_eq(diags.nerrors, 1);
    ck_assert_ptr_nonnull(diags.items[0].loc.file);
    ck_assert_ptr_nonnull(strstr(diags.items[0].loc.file->path, "/sub/c.prisma"));
    ck_assert_uint_eq(diags.items[0].loc.line, 3);
    diag_list_free(&diags);
    ast_schema_free(&schema);

    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(missing_path_and_empty_folder)
{
    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    ck_assert_uint_eq(parse_path(&schema, "/nonexistent/refract/schema.prisma", &diags), 1);
    ck_assert_ptr_null(diags.items[0].loc.file);
    ck_assert_ptr_nonnull(strstr(diags.items[0].message, "/nonexistent/refract/schema.prisma"));

    char dir[] = "/tmp/refract-empty-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_uint_eq(parse_path(&schema, dir, &diags), 1);
    ck_assert_uint_eq(diags.nerrors, 2);
    ck_assert_ptr_nonnull(strstr(diags.items[1].message, "no .prisma files"));
    rmdir(dir);
    diag_list_free(&diags);
    ast_schema_free(&schema);
}
END_TEST

START_TEST(empty_and_comment_only_inputs)
{
    parsed *p = parse_ok("");
    ck_assert_uint_eq(p->schema.nsources, 1);
    ck_assert_uint_eq(p->schema.sources[0].nitems, 0);
    parsed_free(p);
    p = parse_ok("// just a comment");
    ck_assert_uint_eq(p->schema.sources[0].nitems, 1);
    parsed_free(p);
    p = parse_ok("/// dangling doc\n");
    ck_assert_uint_eq(p->schema.sources[0].nitems, 1);
    ck_assert_int_eq(p->schema.sources[0].items[0].kind, AST_ITEM_COMMENT);
    ck_assert_str_eq(p->schema.sources[0].items[0].comment, "/// dangling doc");
    parsed_free(p);
}
END_TEST

static Suite *parser_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("ast");
    tcase_add_test(tc, config_blocks);
    tcase_add_test(tc, fields_types_and_arity);
    tcase_add_test(tc, field_attributes_and_arguments);
    tcase_add_test(tc, block_attributes_with_nested_calls);
    tcase_add_test(tc, enums_views_and_types);
    tcase_add_test(tc, keywords_as_field_names);
    tcase_add_test(tc, doc_comments_attach_to_the_next_declaration);
    tcase_add_test(tc, comments_and_blank_lines_are_kept_in_order);
    tcase_add_test(tc, block_comments_where_prisma_allows_them);
    tcase_add_test(tc, crlf_tabs_and_no_final_newline);
    tcase_add_test(tc, non_ascii_names_and_escaped_strings);
    tcase_add_test(tc, positions_of_nodes);
    tcase_add_test(tc, several_texts_make_one_schema);
    tcase_add_test(tc, empty_and_comment_only_inputs);
    suite_add_tcase(s, tc);
    TCase *files = tcase_create("files");
    tcase_add_test(files, folder_schema_sorted_and_nested);
    tcase_add_test(files, missing_path_and_empty_folder);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parser_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
