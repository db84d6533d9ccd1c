-- name: indicator_monthly
-- purpose: Incidents per loaded month in each police.uk category of $crime_types (a list), for $first to $last; a loaded month with none gives 0, a month not loaded gives no row (missing, not zero).
-- params: $first, $last, $crime_types
WITH loaded AS (
  SELECT DISTINCT month FROM ledger WHERE month BETWEEN $first AND $last
), types AS (
  SELECT DISTINCT unnest($crime_types::VARCHAR[]) AS crime_type
), counted AS (
  SELECT month, crime_type, count(*) AS incidents
  FROM incidents
  WHERE in_period(month, period, $first, $last)
    AND crime_type IN (SELECT crime_type FROM types)
  GROUP BY month, crime_type
)
SELECT l.month, t.crime_type, coalesce(c.incidents, 0) AS incidents
FROM loaded AS l
CROSS JOIN types AS t
LEFT JOIN counted AS c ON c.month = l.month AND c.crime_type = t.crime_type
ORDER BY l.month, t.crime_type
