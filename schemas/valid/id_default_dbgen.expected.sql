-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


