-- name: totals_by_kind
-- purpose: Recorded crime and ASB counted separately for the months $first to $last (both included).
-- params: $first, $last
WITH counted AS (
  SELECT kind, count(*) AS incidents
  FROM incidents
  WHERE month BETWEEN $first AND $last
    AND period BETWEEN strftime($first, '%Y-%m') AND strftime($last, '%Y-%m')
  GROUP BY kind
)
SELECT k.kind, coalesce(c.incidents, 0) AS incidents
FROM (VALUES ('crime'), ('asb')) AS k(kind)
LEFT JOIN counted AS c USING (kind)
ORDER BY k.kind DESC
