CREATE TABLE "User" ("id" SERIAL NOT NULL, "nickname" TEXT);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "nickname";
