-- DropIndex
DROP INDEX "Item_rank_idx";

-- CreateIndex
CREATE INDEX "Item_rank_idx" ON "Item"("rank" ASC);
