CREATE TABLE "User" ("id" SERIAL NOT NULL, "nick" TEXT);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" RENAME COLUMN "nick" TO "nickname";
