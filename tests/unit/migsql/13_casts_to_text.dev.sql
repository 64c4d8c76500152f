/*
  Warnings:

  - You are about to alter the column `d` on the `T` table. The data in that column could be lost. The data in that column will be cast from `JsonB` to `VarChar(50)`.
  - You are about to alter the column `h` on the `T` table. The data in that column could be lost. The data in that column will be cast from `Decimal(65,30)` to `VarChar(50)`.

*/
-- AlterTable
ALTER TABLE "T" ALTER COLUMN "a" SET DATA TYPE TEXT,
ALTER COLUMN "b" SET DATA TYPE VARCHAR(50),
ALTER COLUMN "c" SET DATA TYPE TEXT,
ALTER COLUMN "d" SET DATA TYPE VARCHAR(50),
ALTER COLUMN "e" SET DATA TYPE TEXT,
ALTER COLUMN "f" SET DATA TYPE TEXT,
ALTER COLUMN "g" SET DATA TYPE TEXT,
ALTER COLUMN "h" SET DATA TYPE VARCHAR(50),
ALTER COLUMN "i" SET DATA TYPE DOUBLE PRECISION,
ALTER COLUMN "j" SET DATA TYPE VARCHAR(4);
