-- name: ward_counts
-- purpose: Incidents of $kind in every ward of vintage $vintage for $first to $last (0 for wards with none),
--          with the ward's share of the area's total, its rank (1 = most) and population where known.
-- params: $first, $last, $kind, $vintage
WITH counted AS (
  SELECT ward_code, count(*) AS incidents
  FROM incident_wards
  WHERE vintage = $vintage AND kind = $kind AND month BETWEEN $first AND $last AND ward_code IS NOT NULL
    AND period BETWEEN strftime($first, '%Y-%m') AND strftime($last, '%Y-%m')
  GROUP BY ward_code
), area_total AS (
  SELECT count(*) AS incidents
  FROM incidents
  WHERE kind = $kind AND month BETWEEN $first AND $last
    AND period BETWEEN strftime($first, '%Y-%m') AND strftime($last, '%Y-%m')
)
SELECT w.ward_code, w.ward_name,
       coalesce(c.incidents, 0) AS incidents,
       coalesce(c.incidents, 0) / nullif(t.incidents, 0) AS share,
       rank() OVER (ORDER BY coalesce(c.incidents, 0) DESC) AS rank,
       p.population
FROM wards AS w
CROSS JOIN area_total AS t
LEFT JOIN counted AS c USING (ward_code)
LEFT JOIN ward_population AS p ON p.ward_code = w.ward_code AND p.vintage = w.vintage
WHERE w.vintage = $vintage
ORDER BY incidents DESC, w.ward_name
