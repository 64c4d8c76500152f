CREATE TABLE "User" ("id" SERIAL NOT NULL);
-- refract-lint-test: next migration
-- refract-lint: disable RF103
ALTER TABLE "User" ADD COLUMN "bio" TEXT;
