-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("")
);


