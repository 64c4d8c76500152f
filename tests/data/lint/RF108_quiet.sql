CREATE TABLE "User" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
-- refract-lint: disable RF103
SET LOCAL lock_timeout TO '2s';
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
