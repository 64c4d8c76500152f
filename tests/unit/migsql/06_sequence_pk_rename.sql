-- DropForeignKey
ALTER TABLE "B" DROP CONSTRAINT "B_aId_fkey";

-- DropIndex
DROP INDEX "A_n_idx";

-- DropIndex
DROP INDEX "A_s_t_key";

-- AlterTable
CREATE SEQUENCE a_n_seq;
ALTER TABLE "A" ALTER COLUMN "n" SET DEFAULT nextval('a_n_seq'),
ALTER COLUMN "m" DROP DEFAULT,
ALTER COLUMN "s" SET DEFAULT 'y',
ALTER COLUMN "t" SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "A" RENAME CONSTRAINT "A_pkey" TO "a_pk";
ALTER SEQUENCE a_n_seq OWNED BY "A"."n";

-- CreateIndex
CREATE INDEX "A_n_idx" ON "A" USING HASH ("n");

-- CreateIndex
CREATE INDEX "A_s_t_idx" ON "A"("s", "t");

-- AddForeignKey
ALTER TABLE "B" ADD CONSTRAINT "B_aId_fkey" FOREIGN KEY ("aId") REFERENCES "A"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;


