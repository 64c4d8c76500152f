/*
  Warnings:

  - The `f10` column on the `M7` table would be dropped and recreated. This will lead to data loss if there is data in the column.

*/
-- AlterTable
ALTER TABLE "M7" DROP COLUMN "f10",
ADD COLUMN     "f10" VARCHAR(20) NOT NULL DEFAULT 'v';
