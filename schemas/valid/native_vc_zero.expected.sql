-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "d" VARCHAR(0) NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


