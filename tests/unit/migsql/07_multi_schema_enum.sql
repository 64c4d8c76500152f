-- AlterEnum
BEGIN;
CREATE TYPE "auth"."Role_new" AS ENUM ('ADMIN');
ALTER TABLE "auth"."User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "auth"."User" ALTER COLUMN "roles" DROP DEFAULT;
ALTER TABLE "auth"."User" ALTER COLUMN "role" TYPE "auth"."Role_new" USING ("role"::text::"auth"."Role_new");
ALTER TABLE "auth"."User" ALTER COLUMN "roles" TYPE "auth"."Role_new"[] USING ("roles"::text::"auth"."Role_new"[]);
ALTER TYPE "auth"."Role" RENAME TO "Role_old";
ALTER TYPE "auth"."Role_new" RENAME TO "Role";
DROP TYPE "auth"."Role_old";
ALTER TABLE "auth"."User" ALTER COLUMN "role" SET DEFAULT 'ADMIN';
ALTER TABLE "auth"."User" ALTER COLUMN "roles" SET DEFAULT ARRAY['ADMIN']::"auth"."Role"[];
COMMIT;

-- AlterTable
ALTER TABLE "auth"."User" ALTER COLUMN "role" SET DEFAULT 'ADMIN',
ALTER COLUMN "roles" SET DEFAULT ARRAY['ADMIN']::"auth"."Role"[];


