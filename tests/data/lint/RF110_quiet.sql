CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, "title" TEXT NOT NULL);
-- An index made by an earlier migration supports the key; so does a
-- primary key that starts with its columns (any order).
CREATE INDEX "Post_authorId_title_idx" ON "Post"("authorId", "title");
CREATE TABLE "_AB" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL, CONSTRAINT "_AB_pkey" PRIMARY KEY ("B", "A"));
-- refract-lint-test: next migration
SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "_AB" ADD CONSTRAINT "_AB_A_B_fkey" FOREIGN KEY ("A", "B") REFERENCES "X"("a", "b") NOT VALID;
