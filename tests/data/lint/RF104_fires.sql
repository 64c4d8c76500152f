CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL);
-- refract-lint-test: next migration
SET lock_timeout = '5s';
-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
