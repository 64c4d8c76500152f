-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "b" BYTEA[],
    "d" TIMESTAMP(3)[],

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


