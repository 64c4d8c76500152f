-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Product" (
    "id" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "tags" TEXT[],
    "created" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "pk_product" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Translation" (
    "key" TEXT NOT NULL,
    "locale" TEXT NOT NULL,

    CONSTRAINT "translation_pk" PRIMARY KEY ("key","locale")
);

-- CreateTable
CREATE TABLE "OnlyUnique" (
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "uq_sku" ON "Product"("sku" DESC);

-- CreateIndex
CREATE INDEX "idx_cat_created" ON "Product"("category", "created" DESC);

-- CreateIndex
CREATE INDEX "Product_name_idx" ON "Product"("name" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Product_sku_idx" ON "Product" USING HASH ("sku");

-- CreateIndex
CREATE INDEX "Product_data_idx" ON "Product" USING GIN ("data" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Product_tags_idx" ON "Product" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Product_created_idx" ON "Product" USING BRIN ("created");

-- CreateIndex
CREATE INDEX "legacy_index_name" ON "Product"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Product_name_category_key" ON "Product"("name", "category");

-- CreateIndex
CREATE UNIQUE INDEX "Product_sku_category_key" ON "Product"("sku", "category");

-- CreateIndex
CREATE UNIQUE INDEX "OnlyUnique_a_b_key" ON "OnlyUnique"("a", "b");


