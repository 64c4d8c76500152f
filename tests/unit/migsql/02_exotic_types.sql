-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Doc" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "raw" BYTEA NOT NULL DEFAULT '\x',
    "search" tsvector,
    "emb" vector(3),
    "price" MONEY NOT NULL DEFAULT -1.50,
    "code" CHAR(2) NOT NULL DEFAULT 'AB',
    "at" TIME(6) NOT NULL DEFAULT '2021-03-04 05:06:07.123456 +00:00',
    "neg" DOUBLE PRECISION NOT NULL DEFAULT -0.5,
    "big" BIGINT NOT NULL DEFAULT -9223372036854775808,
    "flags" BOOLEAN[] DEFAULT ARRAY[true, false]::BOOLEAN[],
    "small" SMALLSERIAL NOT NULL,
    "ign" TEXT,
    "parentId" UUID,

    CONSTRAINT "Doc_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Hidden" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Hidden_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Doc_parentId_key" ON "Doc"("parentId");

-- CreateIndex
CREATE INDEX "Doc_search_idx" ON "Doc" USING GIN ("search");

-- CreateIndex
CREATE INDEX "Doc_code_at_idx" ON "Doc"("code", "at" DESC);

-- AddForeignKey
ALTER TABLE "Doc" ADD CONSTRAINT "Doc_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Doc"("id") ON DELETE SET NULL ON UPDATE NO ACTION;


