-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('K1', 'K2');

-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('A', 'X', 'B');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "roles" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "roles" TYPE "Role_new"[] USING ("roles"::text::"Role_new"[]);
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'B';
ALTER TABLE "User" ALTER COLUMN "roles" SET DEFAULT ARRAY['A']::"Role"[];
COMMIT;

-- AlterTable
CREATE SEQUENCE user_n_seq;
ALTER TABLE "User" DROP COLUMN "kind",
ADD COLUMN     "kind" "Kind" NOT NULL,
ALTER COLUMN "n" SET DEFAULT nextval('user_n_seq');
ALTER SEQUENCE user_n_seq OWNED BY "User"."n";

-- CreateTable
CREATE TABLE "Zeta" (
    "id" INTEGER NOT NULL,
    "v" INTEGER NOT NULL,

    CONSTRAINT "Zeta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Zeta_v_idx" ON "Zeta"("v");

-- CreateIndex
CREATE INDEX "User_kind_idx" ON "User"("kind");

-- RenameForeignKey
ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "post_author_fk";

-- RenameIndex
ALTER INDEX "User_name_idx" RENAME TO "user_name_ix";

-- RenameIndex
ALTER INDEX "Post_authorId_idx" RENAME TO "post_author_ix";


