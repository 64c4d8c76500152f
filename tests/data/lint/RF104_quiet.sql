CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");
-- A table created in this migration is not "existing": CREATE INDEX on it is fine.
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL);
CREATE INDEX "Tag_name_idx" ON "Tag"("name");
