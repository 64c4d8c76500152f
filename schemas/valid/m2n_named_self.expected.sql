-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_f" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_f_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_f_B_index" ON "_f"("B");

-- AddForeignKey
ALTER TABLE "_f" ADD CONSTRAINT "_f_A_fkey" FOREIGN KEY ("A") REFERENCES "A"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_f" ADD CONSTRAINT "_f_B_fkey" FOREIGN KEY ("B") REFERENCES "A"("id") ON DELETE CASCADE ON UPDATE CASCADE;


