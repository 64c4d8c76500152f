-- The typed-SQL workload (typed.c): authors signing up per week.

-- name: WeeklySignups :many
-- @param {DateTime} $1:since
-- @nonnull week, signups
SELECT date_trunc('week', "createdAt") AS week, count(*)::int AS signups
FROM "Author"
WHERE "createdAt" >= $1
GROUP BY 1
ORDER BY 1;
