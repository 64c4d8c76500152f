/*
  Warnings:

  - You are about to alter the column `a` on the `T` table. The data in that column could be lost. The data in that column will be cast from `Integer` to `VarChar(5)`.
  - You are about to alter the column `c` on the `T` table. The data in that column could be lost. The data in that column will be cast from `BigInt` to `VarChar(19)`.
  - You are about to alter the column `f` on the `T` table. The data in that column could be lost. The data in that column will be cast from `DoublePrecision` to `VarChar(50)`.

*/
-- AlterTable
ALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE VARCHAR(5),
ALTER COLUMN "b" SET DATA TYPE VARCHAR(11),
ALTER COLUMN "c" SET DATA TYPE VARCHAR(19),
ALTER COLUMN "d" SET DATA TYPE VARCHAR(20),
ALTER COLUMN "e" SET DATA TYPE VARCHAR(6),
ALTER COLUMN "f" SET DATA TYPE VARCHAR(50),
ALTER COLUMN "g" SET DATA TYPE VARCHAR(5);
