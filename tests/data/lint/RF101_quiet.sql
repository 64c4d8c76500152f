-- The type is set when the table is created in the same migration.
SET lock_timeout = '5s';
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL);
ALTER TABLE "Post" ALTER COLUMN "title" TYPE VARCHAR(200);
