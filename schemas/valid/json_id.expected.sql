-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" JSONB NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


