#!/bin/sh
# synth_schema.sh N — print a synthetic PostgreSQL schema with N models, for
# measuring how refract scales (make bench-generator).
#
# Every model has an autoincrement id, scalar fields of several types, a
# unique email, a compound unique, an index, an enum column (one enum per ten
# models) and an optional relation to the previous model with its back
# relation, so every resolver and differ path sees realistic work.
set -eu
n=${1:?usage: synth_schema.sh N}
awk -v n="$n" 'BEGIN {
    print "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n"
    print "generator client {\n  provider = \"refract\"\n  output   = \"./gen\"\n  prefix   = \"db\"\n}\n"
    nenums = int((n + 9) / 10)
    for (e = 0; e < nenums; e++)
        printf "enum Kind%d {\n  DRAFT\n  ACTIVE\n  ARCHIVED\n}\n\n", e
    for (i = 0; i < n; i++) {
        printf "model Item%d {\n", i
        printf "  id        Int       @id @default(autoincrement())\n"
        printf "  email     String    @unique\n"
        printf "  name      String    @db.VarChar(200)\n"
        printf "  score     Float?\n"
        printf "  amount    Decimal   @default(0)\n"
        printf "  kind      Kind%d     @default(DRAFT)\n", int(i / 10)
        printf "  tags      String[]\n"
        printf "  createdAt DateTime  @default(now())\n"
        printf "  updatedAt DateTime  @updatedAt\n"
        if (i > 0) {
            printf "  parentId  Int?\n"
            printf "  parent    Item%d?   @relation(fields: [parentId], references: [id])\n", i - 1
        }
        if (i + 1 < n)
            printf "  children  Item%d[]\n", i + 1
        printf "\n  @@unique([name, kind])\n"
        printf "  @@index([createdAt])\n"
        printf "}\n\n"
    }
}'
