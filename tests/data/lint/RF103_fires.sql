CREATE TABLE "User" ("id" SERIAL NOT NULL);
CREATE TABLE "Post" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
-- "User" stays locked while this waits for and holds "Post".
ALTER TABLE "Post" ADD COLUMN "title" TEXT;
