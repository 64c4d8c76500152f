-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "A" (
    "id" INTEGER NOT NULL,
    "x" INTEGER NOT NULL,
    "y" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "B" (
    "id" INTEGER NOT NULL,
    "ax" INTEGER NOT NULL,
    "ay" INTEGER NOT NULL,

    CONSTRAINT "B_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "A_x_y_key" ON "A"("x", "y");

-- AddForeignKey
ALTER TABLE "B" ADD CONSTRAINT "B_ay_ax_fkey" FOREIGN KEY ("ay", "ax") REFERENCES "A"("y", "x") ON DELETE RESTRICT ON UPDATE CASCADE;


