-- The growth report: SQL the model client cannot express, typed all the
-- same (refract generate prepares it against the schema: gen/wl_sql.h).

-- name: BackdateImport :execrows
-- A partner's people joined over the past weeks: spread them out.
-- @param {String} $1:email_pattern
-- @param {Int} $2:weeks
UPDATE signups
SET created_at = created_at - make_interval(weeks => id % $2)
WHERE email LIKE $1;

-- name: WeeklyGrowth :many
-- Signups per week since a date, with the running total (a window function).
-- @param {DateTime} $1:since
-- @nonnull week, signups, total
SELECT date_trunc('week', created_at) AS week,
       count(*)::int AS signups,
       sum(count(*)) OVER (ORDER BY date_trunc('week', created_at))::int AS total
FROM signups
WHERE created_at >= $1
GROUP BY 1
ORDER BY 1;
