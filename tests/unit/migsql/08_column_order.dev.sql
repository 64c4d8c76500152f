/*
  Warnings:

  - You are about to drop the column `f11` on the `T` table. All the data in the column will be lost.
  - You are about to drop the column `f9` on the `T` table. All the data in the column will be lost.
  - You are about to drop the column `zz` on the `T` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "T" DROP COLUMN "f11",
DROP COLUMN "f9",
DROP COLUMN "zz",
ADD COLUMN     "alpha" INTEGER,
ADD COLUMN     "zeta" INTEGER,
ALTER COLUMN "yy" SET DATA TYPE BIGINT,
ALTER COLUMN "bb" SET DATA TYPE BIGINT;
