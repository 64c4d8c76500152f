-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "E" AS ENUM ('X', 'Y');

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "j" JSONB[],
    "e" "E"[] DEFAULT ARRAY['X', 'Y']::"E"[],

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


