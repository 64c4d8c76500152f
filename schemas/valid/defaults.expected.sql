-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "role" AS ENUM ('USER', 'admin');

-- CreateTable
CREATE TABLE "Everything" (
    "id" BIGSERIAL NOT NULL,
    "small" SMALLSERIAL NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated" TIMESTAMP(3) NOT NULL,
    "uuid4" TEXT NOT NULL,
    "uuid7" UUID NOT NULL,
    "cuid1" TEXT NOT NULL,
    "cuid2" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nano10" TEXT NOT NULL,
    "ulid" TEXT NOT NULL,
    "gen" UUID NOT NULL DEFAULT gen_random_uuid(),
    "genNone" INTEGER NOT NULL,
    "str" TEXT NOT NULL DEFAULT 'it''s',
    "integer" INTEGER NOT NULL DEFAULT -3,
    "big" BIGINT NOT NULL DEFAULT 9007199254740993,
    "floating" DOUBLE PRECISION NOT NULL DEFAULT 1.5,
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 0.25,
    "decStr" DECIMAL(65,30) NOT NULL DEFAULT 2.00,
    "flag" BOOLEAN NOT NULL DEFAULT true,
    "role" "role" NOT NULL DEFAULT 'admin',
    "roles" "role"[] DEFAULT ARRAY['USER']::"role"[],
    "tags" TEXT[] DEFAULT ARRAY['a', 'b']::TEXT[],
    "nums" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "js" JSONB NOT NULL DEFAULT '{}',
    "bytes" BYTEA NOT NULL DEFAULT '\x6869',
    "at" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00 +00:00',
    "shape" circle DEFAULT '<(0,0),1>'::circle,

    CONSTRAINT "Everything_pkey" PRIMARY KEY ("id")
);


