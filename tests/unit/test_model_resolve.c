/*
 * What the differ and the emitter read from the model: names, types,
 * defaults, keys, relations and their foreign keys, on small schemas.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "parse/parse.h"

typedef struct fixture {
    ast_schema ast;
    arena arena;
    diag_list diags;
    model_schema *m;
} fixture;

static fixture fx;

static const model_schema *resolve(const char *text)
{
    memset(&fx, 0, sizeof fx);
    ck_assert_uint_eq(parse_text(&fx.ast, "schema.prisma", text, strlen(text), &fx.diags), 0);
    fx.m = model_resolve(&fx.ast, &fx.arena, &fx.diags);
    ck_assert_msg(fx.m != NULL, "%s", fx.diags.count ? fx.diags.items[0].message : "?");
    return fx.m;
}

static void teardown(void)
{
    arena_free(&fx.arena);
    diag_list_free(&fx.diags);
    ast_schema_free(&fx.ast);
}

static const model_table *table(const model_schema *s, const char *name)
{
    const model_table *t = model_find_table(s, name);
    ck_assert_msg(t != NULL, "no table %s", name);
    return t;
}

static const model_column *column(const model_table *t, const char *name)
{
    const model_column *c = model_find_column(t, name);
    ck_assert_msg(c != NULL, "no column %s", name);
    return c;
}

#define DS "datasource db {\n  provider = \"postgresql\"\n}\n"

START_TEST(names_after_map)
{
    const model_schema *s = resolve(DS
        "enum OrderStatus {\n  inProgress @map(\"in_progress\")\n  DONE\n  @@map(\"order_status\")\n}\n"
        "model OrderItem {\n"
        "  orderId   Int @map(\"order_id\")\n"
        "  lineNo    Int @map(\"line_no\")\n"
        "  status    OrderStatus\n"
        "  createdAt DateTime @default(now()) @map(\"created_at\")\n"
        "  @@id([orderId, lineNo])\n"
        "  @@index([createdAt])\n"
        "  @@map(\"order_items\")\n"
        "}\n");
    const model_table *t = table(s, "OrderItem");
    ck_assert_str_eq(t->db_name, "order_items");
    ck_assert_str_eq(t->c_name, "order_item");
    ck_assert_str_eq(t->c_upper, "ORDER_ITEM");
    ck_assert_str_eq(t->pk->db_name, "order_items_pkey");
    ck_assert_str_eq(t->pk->c_name, "order_id_line_no");
    ck_assert_str_eq(t->indexes[0].db_name, "order_items_created_at_idx");
    const model_column *c = column(t, "createdAt");
    ck_assert_str_eq(c->db_name, "created_at");
    ck_assert_str_eq(c->c_name, "created_at");
    ck_assert_str_eq(c->sql_type, "TIMESTAMP(3)");
    ck_assert_int_eq(c->dflt.kind, MODEL_DEFAULT_NOW);
    const model_column *st = column(t, "status");
    ck_assert_int_eq(st->type, MODEL_ENUM);
    ck_assert_str_eq(st->sql_type, "order_status");
    const model_enum *e = model_find_enum(s, "OrderStatus");
    ck_assert_str_eq(e->db_name, "order_status");
    ck_assert_str_eq(e->c_upper, "ORDER_STATUS");
    ck_assert_str_eq(e->values[0].db_name, "in_progress");
    ck_assert_str_eq(e->values[0].c_name, "IN_PROGRESS");
}
END_TEST

START_TEST(types_and_nullability)
{
    const model_schema *s = resolve(DS
        "model T {\n"
        "  id    String   @id @default(uuid(7)) @db.Uuid\n"
        "  name  String?  @db.VarChar(191)\n"
        "  price Decimal\n"
        "  tags  String[]\n"
        "  at    DateTime @db.Timestamptz(6)\n"
        "  big   BigInt   @default(autoincrement())\n"
        "}\n");
    const model_table *t = table(s, "T");
    const model_column *id = column(t, "id");
    ck_assert_str_eq(id->sql_type, "UUID");
    ck_assert_int_eq(id->dflt.kind, MODEL_DEFAULT_UUID);
    ck_assert_uint_eq(id->dflt.version, 7);
    ck_assert(!model_default_in_database(&id->dflt));
    ck_assert(id->id && !id->nullable);
    const model_column *name = column(t, "name");
    ck_assert_str_eq(name->sql_type, "VARCHAR(191)");
    ck_assert_str_eq(name->native.name, "VarChar");
    ck_assert_uint_eq(name->native.args[0], 191);
    ck_assert(name->nullable && !name->required);
    ck_assert_str_eq(column(t, "price")->sql_type, "DECIMAL(65,30)");
    const model_column *tags = column(t, "tags");
    ck_assert(tags->list && tags->required && tags->nullable);
    ck_assert_str_eq(tags->sql_type, "TEXT");
    ck_assert_str_eq(column(t, "at")->sql_type, "TIMESTAMPTZ(6)");
    ck_assert_int_eq(column(t, "big")->dflt.kind, MODEL_DEFAULT_AUTOINCREMENT);
}
END_TEST

START_TEST(relations_and_foreign_keys)
{
    const model_schema *s = resolve(DS
        "model User {\n"
        "  id      Int      @id\n"
        "  posts   Post[]\n"
        "  profile Profile?\n"
        "  tags    Tag[]\n"
        "}\n"
        "model Profile {\n"
        "  id     Int  @id\n"
        "  userId Int  @unique\n"
        "  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n"
        "}\n"
        "model Post {\n"
        "  id       Int   @id\n"
        "  authorId Int?\n"
        "  author   User? @relation(fields: [authorId], references: [id], map: \"post_author\")\n"
        "}\n"
        "model Tag {\n"
        "  name  String @id\n"
        "  users User[]\n"
        "}\n");
    const model_table *post = table(s, "Post");
    ck_assert_uint_eq(post->nfks, 1);
    const model_foreign_key *fk = &post->fks[0];
    ck_assert_str_eq(fk->db_name, "post_author");
    ck_assert_int_eq(fk->on_delete, MODEL_ACTION_SET_NULL); /* optional: Prisma's default */
    ck_assert_int_eq(fk->on_update, MODEL_ACTION_CASCADE);
    ck_assert_str_eq(fk->ref_table->db_name, "User");
    ck_assert_str_eq(fk->relation->name, "PostToUser");
    ck_assert_int_eq(fk->relation->kind, MODEL_REL_ONE_TO_MANY);
    ck_assert_str_eq(fk->relation->from->name, "author");
    ck_assert_str_eq(fk->relation->to->name, "posts");

    const model_table *profile = table(s, "Profile");
    ck_assert_str_eq(profile->fks[0].db_name, "Profile_userId_fkey");
    ck_assert_int_eq(profile->fks[0].on_delete, MODEL_ACTION_CASCADE);
    ck_assert_int_eq(profile->fks[0].relation->kind, MODEL_REL_ONE_TO_ONE);

    const model_table *user = table(s, "User");
    const model_relation_field *tags = model_find_relation_field(user, "tags");
    ck_assert_int_eq(tags->relation->kind, MODEL_REL_MANY_TO_MANY);
    const model_table *jt = tags->relation->join_table;
    ck_assert_str_eq(jt->db_name, "_TagToUser");
    ck_assert_int_eq(jt->kind, MODEL_TABLE_JOIN);
    /* A is the model whose name sorts first: Tag (TEXT id). */
    ck_assert_str_eq(jt->columns[0].sql_type, "TEXT");
    ck_assert_str_eq(jt->columns[1].sql_type, "INTEGER");
    ck_assert_str_eq(jt->pk->db_name, "_TagToUser_AB_pkey");
    ck_assert_str_eq(jt->indexes[0].db_name, "_TagToUser_B_index");
    ck_assert_str_eq(jt->fks[0].db_name, "_TagToUser_A_fkey");
    ck_assert_str_eq(jt->fks[0].ref_table->name, "Tag");
    ck_assert_int_eq(jt->fks[1].on_delete, MODEL_ACTION_CASCADE);
    ck_assert_uint_eq(s->ntables, 5);
    ck_assert_ptr_eq(&s->tables[4], jt);
}
END_TEST

START_TEST(required_fk_defaults_to_restrict)
{
    const model_schema *s = resolve(DS
        "model A {\n  id Int @id\n  bs B[]\n}\n"
        "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n");
    const model_foreign_key *fk = &table(s, "B")->fks[0];
    ck_assert_int_eq(fk->on_delete, MODEL_ACTION_RESTRICT);
    ck_assert(!fk->on_delete_explicit);
    ck_assert_str_eq(model_ref_action_sql(fk->on_delete), "RESTRICT");
}
END_TEST

START_TEST(relation_mode_prisma_has_no_constraints)
{
    const model_schema *s = resolve(
        "datasource db {\n  provider = \"postgresql\"\n  relationMode = \"prisma\"\n}\n"
        "model A {\n  id Int @id\n  bs B[]\n}\n"
        "model B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n");
    const model_table *b = table(s, "B");
    ck_assert_uint_eq(b->nfks, 0);
    const model_relation_field *a = model_find_relation_field(b, "a");
    ck_assert_uint_eq(a->nfields, 1);
    ck_assert_str_eq(a->fields[0]->name, "aId");
    ck_assert_ptr_null(a->fk);
}
END_TEST

START_TEST(indexes_in_prisma_order)
{
    const model_schema *s = resolve(DS
        "model P {\n"
        "  id   Int    @id\n"
        "  sku  String @unique\n"
        "  name String\n"
        "  data Json\n"
        "  @@unique([name, sku], name: \"nameSku\")\n"
        "  @@index([name(sort: Desc)], map: \"by_name\")\n"
        "  @@index([data(ops: JsonbPathOps)], type: Gin)\n"
        "}\n");
    const model_table *t = table(s, "P");
    ck_assert_uint_eq(t->nindexes, 4);
    ck_assert_str_eq(t->indexes[0].db_name, "P_sku_key");
    ck_assert_str_eq(t->indexes[0].c_name, "sku");
    ck_assert_str_eq(t->indexes[1].db_name, "by_name");
    ck_assert_int_eq(t->indexes[1].parts[0].sort, MODEL_SORT_DESC);
    ck_assert_str_eq(t->indexes[2].db_name, "P_data_idx");
    ck_assert_int_eq(t->indexes[2].type, MODEL_INDEX_GIN);
    ck_assert_str_eq(t->indexes[2].parts[0].ops, "jsonb_path_ops");
    ck_assert_str_eq(t->indexes[3].db_name, "P_name_sku_key");
    ck_assert_str_eq(t->indexes[3].c_name, "name_sku");
    model_unique_criterion crit[4];
    ck_assert_uint_eq(model_unique_criteria(t, crit, 4), 3);
    ck_assert_str_eq(crit[0].c_name, "id");
    ck_assert_str_eq(crit[1].c_name, "sku");
    ck_assert_str_eq(crit[2].c_name, "name_sku");
}
END_TEST

START_TEST(datasource_and_generators)
{
    const model_schema *s = resolve(
        "generator client {\n  provider = \"refract\"\n  output = \"./gen\"\n  prefix = \"db\"\n}\n"
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n"
        "  extensions = [pgvector(map: \"vector\"), citext]\n}\n"
        "model A {\n  id Int @id\n}\n");
    ck_assert(s->has_datasource);
    ck_assert_str_eq(s->datasource.url.env, "DATABASE_URL");
    ck_assert_uint_eq(s->datasource.nextensions, 2);
    ck_assert_str_eq(s->datasource.extensions[0].db_name, "vector");
    ck_assert_uint_eq(s->ngenerators, 1);
    ck_assert_str_eq(s->generators[0].provider, "refract");
    ck_assert_str_eq(s->generators[0].output, "./gen");
    ck_assert_str_eq(model_generator_get(&s->generators[0], "prefix"), "db");
}
END_TEST

START_TEST(c_collisions_get_working_names)
{
    const model_schema *s = resolve(DS
        "model User {\n  id Int @id\n  createdAt DateTime\n  created_at DateTime\n  default Int\n}\n");
    const model_table *t = table(s, "User");
    /* The field written in snake_case keeps the name; the other is its
     * Prisma name, whatever the order (c_names.c). */
    ck_assert_str_eq(column(t, "createdAt")->c_name, "createdAt");
    ck_assert_str_eq(column(t, "created_at")->c_name, "created_at");
    ck_assert_str_eq(column(t, "default")->c_name, "default_");
    ck_assert_uint_eq(fx.diags.nwarnings, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_resolve");
    TCase *tc = tcase_create("resolve");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, names_after_map);
    tcase_add_test(tc, types_and_nullability);
    tcase_add_test(tc, relations_and_foreign_keys);
    tcase_add_test(tc, required_fk_defaults_to_restrict);
    tcase_add_test(tc, relation_mode_prisma_has_no_constraints);
    tcase_add_test(tc, indexes_in_prisma_order);
    tcase_add_test(tc, datasource_and_generators);
    tcase_add_test(tc, c_collisions_get_working_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
