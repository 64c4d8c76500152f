-- Accounts: every kind of query, and every annotation.

-- name: AddAccount :one
-- @param {String} $1:email
-- @param {String} $2:nick?
-- @param {Tier} $3:tier
-- @param {String[]} $4:tags
-- @param {Json} $5:prefs?
INSERT INTO "Account" (email, nick, tier, tags, scores, prefs)
VALUES ($1, $2, $3, $4, ARRAY[1, 2, 3], $5)
RETURNING id, email, nick, tier, tags, scores, balance, prefs, "joinedAt";

-- name: AccountByEmail :one
SELECT id, email, nick, tier FROM "Account" WHERE email = $1;

-- name: AccountsInTiers :many
-- @param {Tier[]} $1:tiers
SELECT id, email, tier FROM "Account" WHERE tier = ANY($1) ORDER BY id;

-- name: SetNick :exec
-- @param {String} $2:nick?
UPDATE "Account" SET nick = $2 WHERE id = $1;

-- name: Upgrade :execrows
-- @param {Tier} $1:tier
UPDATE "Account" SET tier = $1 WHERE tier <> $1;
