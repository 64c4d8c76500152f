CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(200);
