CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
-- refract-lint-test: next migration
-- Adding a value, and renaming an enum, remove nothing.
ALTER TYPE "Role" ADD VALUE 'GUEST';
ALTER TYPE "Role" RENAME TO "UserRole";
