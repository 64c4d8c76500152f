-- name: PlaceOrder :exec
-- @param {Int} $1:account
-- @param {Decimal} $2:total
-- @param {DateTime} $3:placed_at
INSERT INTO "Order" ("accountId", total, "placedAt") VALUES ($1, $2, $3);

-- Every account with its latest order, if any: the order's columns come
-- through a LEFT JOIN, so they may be NULL; the account's may not.
-- name: AccountsWithOrders :many
SELECT a.id, a.email, o.id AS order_id, o.total, o."placedAt" AS placed_at
FROM "Account" a LEFT JOIN "Order" o ON o."accountId" = a.id
ORDER BY a.id, o.id;

-- name: WeeklyRevenue :many
-- @nonnull week, revenue, orders
SELECT date_trunc('week', "placedAt") AS week, sum(total) AS revenue, count(*) AS orders
FROM "Order"
WHERE "placedAt" >= $1
GROUP BY 1
ORDER BY 1;

-- name: ImportOrders :copyfrom
-- @param {String} $3:note?
INSERT INTO "Order" ("accountId", total, note, "placedAt") VALUES ($1, $2, $3, $4);
