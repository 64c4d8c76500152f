-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "app";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "auth";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH VERSION "1.6";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector" WITH SCHEMA "app";

-- CreateEnum
CREATE TYPE "app"."State" AS ENUM ('DRAFT', 'LIVE');

-- CreateTable
CREATE TABLE "auth"."User" (
    "id" INTEGER NOT NULL,
    "email" CITEXT NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app"."posts" (
    "id" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "state" "app"."State" NOT NULL,

    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "app"."posts" ADD CONSTRAINT "posts_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "auth"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


