-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Node" (
    "id" SERIAL NOT NULL,
    "prevId" INTEGER,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Node_prevId_key" ON "Node"("prevId");

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_prevId_fkey" FOREIGN KEY ("prevId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;


