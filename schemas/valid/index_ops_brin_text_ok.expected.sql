-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "a" TEXT NOT NULL,
    "b" TIMESTAMPTZ(6) NOT NULL,
    "c" UUID NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "A_a_b_c_idx" ON "A" USING BRIN ("a" text_minmax_ops, "b", "c" uuid_bloom_ops);


