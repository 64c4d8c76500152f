CREATE TABLE "User" ("id" SERIAL NOT NULL);
CREATE TABLE "Post" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
-- One table in use per migration; validating takes SHARE UPDATE EXCLUSIVE
-- only; a table created here is not in use.
SET lock_timeout = '5s';
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_check";
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
ALTER TABLE "User" ADD COLUMN "url" TEXT;
CREATE TABLE "Log" ("id" SERIAL NOT NULL);
ALTER TABLE "Log" ADD COLUMN "at" TIMESTAMP(3);
