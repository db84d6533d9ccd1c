-- name: ward_counts
-- purpose: Incidents of $kind (only police.uk category $crime_type when it is not NULL) in every ward of
--          vintage $vintage for $first to $last: 0 for wards with none, each ward's share of the area's
--          total, its rank (1 = most, ties share a rank), its population where known, and the area total
--          (which also counts incidents whose point lies in no ward).
-- params: $first, $last, $kind, $crime_type, $vintage
WITH picked AS (
  SELECT ward_code
  FROM incident_wards
  WHERE vintage = $vintage
    AND kind = $kind
    AND ($crime_type IS NULL OR crime_type = $crime_type)
    AND in_period(month, period, $first, $last)
), counted AS (
  SELECT ward_code, count(*) AS incidents
  FROM picked
  WHERE ward_code IS NOT NULL
  GROUP BY ward_code
), area_total AS (
  SELECT count(*) AS incidents FROM picked
)
SELECT w.ward_code, w.ward_name,
       coalesce(c.incidents, 0) AS incidents,
       coalesce(c.incidents, 0) / nullif(t.incidents, 0) AS share,
       rank() OVER (ORDER BY coalesce(c.incidents, 0) DESC) AS rank,
       p.population,
       t.incidents AS area_incidents
FROM wards AS w
CROSS JOIN area_total AS t
LEFT JOIN counted AS c USING (ward_code)
LEFT JOIN ward_population AS p ON p.ward_code = w.ward_code AND p.vintage = w.vintage
WHERE w.vintage = $vintage
ORDER BY incidents DESC, w.ward_name
