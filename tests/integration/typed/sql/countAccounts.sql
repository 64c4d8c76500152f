-- A file without `-- name:` is one query named after the file (Prisma's TypedSQL).
-- @nonnull n
SELECT count(*)::int AS n FROM "Account"
