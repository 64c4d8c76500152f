CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" TEXT);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
