-- CreateTable
CREATE TABLE "StepRun" (
    "id" TEXT NOT NULL,
    "workerId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "tags" JSONB NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "StepRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_slug_key" ON "StepRun"("slug" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_name_key" ON "StepRun"("name" DESC);

-- CreateIndex
CREATE INDEX "StepRun_workerId_id_idx" ON "StepRun"("workerId", "id");

-- CreateIndex
CREATE INDEX "StepRun_tenantId_label_idx" ON "StepRun"("tenantId" ASC, "label");

-- CreateIndex
CREATE INDEX "by_label" ON "StepRun"("label" DESC, "tenantId" ASC);

-- CreateIndex
CREATE INDEX "StepRun_tags_idx" ON "StepRun" USING GIN ("tags" jsonb_path_ops ASC);

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_tenantId_slug_key" ON "StepRun"("tenantId" ASC, "slug" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "StepRun_workerId_label_key" ON "StepRun"("workerId" ASC, "label");
