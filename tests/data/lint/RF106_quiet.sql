-- Dropping what this same migration created loses nothing.
SET lock_timeout = '5s';
CREATE TABLE "Scratch" ("id" SERIAL NOT NULL, "tmp" TEXT);
ALTER TABLE "Scratch" DROP COLUMN "tmp";
DROP TABLE "Scratch";
