/*
  Warnings:

  - The `d` column on the `T` table would be dropped and recreated. This will lead to data loss if there is data in the column.
  - You are about to alter the column `e` on the `T` table. The data in that column could be lost. The data in that column will be cast from `DoublePrecision` to `Decimal(65,30)`.
  - You are about to alter the column `i` on the `T` table. The data in that column could be lost. The data in that column will be cast from `BigInt` to `Integer`.
  - You are about to alter the column `j` on the `T` table. The data in that column could be lost. The data in that column will be cast from `DoublePrecision` to `Integer`.
  - You are about to alter the column `o` on the `T` table. The data in that column could be lost. The data in that column will be cast from `Decimal(65,30)` to `DoublePrecision`.
  - Changed the type of `a` on the `T` table. No cast exists, the column would be dropped and recreated, which cannot be done if there is data, since the column is required.
  - Changed the type of `c` on the `T` table. No cast exists, the column would be dropped and recreated, which cannot be done if there is data, since the column is required.

*/
-- AlterTable
ALTER TABLE "T" DROP COLUMN "a",
ADD COLUMN     "a" TEXT NOT NULL,
ALTER COLUMN "b" SET DATA TYPE TEXT,
DROP COLUMN "c",
ADD COLUMN     "c" INTEGER NOT NULL,
DROP COLUMN "d",
ADD COLUMN     "d" INTEGER[],
ALTER COLUMN "e" SET DATA TYPE DECIMAL(65,30),
ALTER COLUMN "f" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "g" SET DATA TYPE VARCHAR(20),
ALTER COLUMN "h" SET DATA TYPE DECIMAL(12,2),
ALTER COLUMN "i" SET DATA TYPE INTEGER,
ALTER COLUMN "j" SET DATA TYPE INTEGER,
ALTER COLUMN "k" SET DATA TYPE TIMESTAMP(6),
ALTER COLUMN "l" SET DATA TYPE JSON,
ALTER COLUMN "m" SET DATA TYPE TEXT,
ALTER COLUMN "n" SET DATA TYPE DATE,
ALTER COLUMN "o" SET DATA TYPE DOUBLE PRECISION;
