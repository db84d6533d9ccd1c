-- name: monthly_counts
-- purpose: Incidents per month and kind for $first to $last; only loaded months appear (missing months are not zeros).
-- params: $first, $last
WITH loaded AS (
  SELECT DISTINCT month FROM ledger WHERE month BETWEEN $first AND $last
), counted AS (
  SELECT month, kind, count(*) AS incidents
  FROM incidents
  WHERE month BETWEEN $first AND $last
    AND period BETWEEN strftime($first, '%Y-%m') AND strftime($last, '%Y-%m')
  GROUP BY month, kind
)
SELECT l.month, k.kind, coalesce(c.incidents, 0) AS incidents
FROM loaded AS l
CROSS JOIN (VALUES ('crime'), ('asb')) AS k(kind)
LEFT JOIN counted AS c ON c.month = l.month AND c.kind = k.kind
ORDER BY l.month, k.kind DESC
