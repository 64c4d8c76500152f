-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "summary" VARCHAR(500);
