CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" TEXT);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_name_nn" CHECK ("name" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_name_nn";
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
