-- name: monthly_counts
-- purpose: Incidents per month and kind for $first to $last; only loaded months appear (missing months are not zeros).
-- params: $first, $last
WITH loaded AS (
  SELECT DISTINCT month FROM ledger WHERE month BETWEEN $first AND $last
), kinds AS (
  SELECT * FROM (VALUES ('crime'), ('asb')) AS k(kind)
)
SELECT l.month, k.kind, count(i.kind) AS incidents
FROM loaded AS l
CROSS JOIN kinds AS k
LEFT JOIN incidents AS i ON i.month = l.month AND i.kind = k.kind
GROUP BY l.month, k.kind
ORDER BY l.month, k.kind DESC
