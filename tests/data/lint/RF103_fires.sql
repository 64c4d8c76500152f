CREATE TABLE "User" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
