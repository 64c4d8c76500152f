-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "u" TIMESTAMP(3),

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);


