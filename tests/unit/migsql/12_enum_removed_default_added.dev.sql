/*
  Warnings:

  - The values [V3] on the enum `e0_type` will be removed. If these variants are still used in the database, this will fail.
  - Added the required column `r13Id` to the `m4_tbl` table without a default value. This is not possible if the table is not empty.

*/
-- CreateEnum
CREATE TYPE "E1" AS ENUM ('V14', 'V15');

-- AlterEnum
BEGIN;
CREATE TYPE "e0_type_new" AS ENUM ('V1', 'V2');
ALTER TABLE "m4_tbl" ALTER COLUMN "f5" TYPE "e0_type_new"[] USING ("f5"::text::"e0_type_new"[]);
ALTER TABLE "m4_tbl" ALTER COLUMN "f7_col" TYPE "e0_type_new"[] USING ("f7_col"::text::"e0_type_new"[]);
ALTER TYPE "e0_type" RENAME TO "e0_type_old";
ALTER TYPE "e0_type_new" RENAME TO "e0_type";
DROP TYPE "public"."e0_type_old";
COMMIT;

-- AlterTable
ALTER TABLE "m4_tbl" ADD COLUMN     "r13Id" INTEGER NOT NULL,
ALTER COLUMN "f5" SET DEFAULT ARRAY['V1']::"e0_type"[];

-- AddForeignKey
ALTER TABLE "m4_tbl" ADD CONSTRAINT "m4_tbl_r13Id_fkey" FOREIGN KEY ("r13Id") REFERENCES "m9_tbl"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
