-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "nextId" INTEGER,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "A_nextId_key" ON "A"("nextId");

-- AddForeignKey
ALTER TABLE "A" ADD CONSTRAINT "A_nextId_fkey" FOREIGN KEY ("nextId") REFERENCES "A"("id") ON DELETE SET NULL ON UPDATE CASCADE;


