CREATE TABLE "User" ("id" SERIAL NOT NULL, "nick" TEXT);
-- refract-lint-test: next migration
-- Renaming an index breaks no query.
SET lock_timeout = '5s';
ALTER INDEX "User_nick_idx" RENAME TO "User_nickname_idx";
