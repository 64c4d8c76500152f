CREATE TABLE "User" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
-- Validating takes SHARE UPDATE EXCLUSIVE only; the new table is not in use.
SET lock_timeout = '5s';
ALTER TABLE "User" VALIDATE CONSTRAINT "User_check";
CREATE TABLE "Log" ("id" SERIAL NOT NULL);
ALTER TABLE "Log" ADD COLUMN "at" TIMESTAMP(3);
