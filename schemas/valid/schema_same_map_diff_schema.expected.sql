-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "a";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "b";

-- CreateTable
CREATE TABLE "a"."shared" (
    "id" TEXT NOT NULL,

    CONSTRAINT "shared_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "b"."shared" (
    "id" TEXT NOT NULL,

    CONSTRAINT "shared_pkey" PRIMARY KEY ("id")
);


