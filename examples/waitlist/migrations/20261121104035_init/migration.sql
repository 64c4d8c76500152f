-- CreateEnum
CREATE TYPE "Status" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "signups" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "status" "Status" NOT NULL DEFAULT 'PENDING',
    "referral_code" TEXT NOT NULL,
    "referred_by_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" TIMESTAMP(3),

    CONSTRAINT "signups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "signup_id" INTEGER,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "meta" JSONB,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "signups_email_key" ON "signups"("email");

-- CreateIndex
CREATE UNIQUE INDEX "signups_referral_code_key" ON "signups"("referral_code");

-- CreateIndex
CREATE INDEX "signups_status_created_at_idx" ON "signups"("status", "created_at");

-- CreateIndex
CREATE INDEX "events_kind_at_idx" ON "events"("kind", "at");

-- AddForeignKey
ALTER TABLE "signups" ADD CONSTRAINT "signups_referred_by_id_fkey" FOREIGN KEY ("referred_by_id") REFERENCES "signups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_signup_id_fkey" FOREIGN KEY ("signup_id") REFERENCES "signups"("id") ON DELETE SET NULL ON UPDATE CASCADE;
