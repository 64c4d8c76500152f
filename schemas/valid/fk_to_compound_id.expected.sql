-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "x" INTEGER NOT NULL,
    "y" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("x","y")
);

-- CreateTable
CREATE TABLE "B" (
    "id" INTEGER NOT NULL,
    "ax" INTEGER NOT NULL,
    "ay" INTEGER NOT NULL,

    CONSTRAINT "B_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "B" ADD CONSTRAINT "B_ax_ay_fkey" FOREIGN KEY ("ax", "ay") REFERENCES "A"("x", "y") ON DELETE SET DEFAULT ON UPDATE CASCADE;


