-- name: totals_by_kind
-- purpose: Recorded crime and ASB counted separately for the months $first to $last (both included).
-- params: $first, $last
SELECT k.kind, coalesce(count(i.kind), 0) AS incidents
FROM (VALUES ('crime'), ('asb')) AS k(kind)
LEFT JOIN incidents AS i
  ON i.kind = k.kind AND i.month BETWEEN $first AND $last
GROUP BY k.kind
ORDER BY k.kind DESC
