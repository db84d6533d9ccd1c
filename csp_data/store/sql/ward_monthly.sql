-- name: ward_monthly
-- purpose: For each loaded month of $first to $last, incidents of $kind (category $crime_type unless NULL)
--          in ward $ward_code of vintage $vintage and in the whole area; months not loaded are absent
--          (missing, not zero).
-- params: $first, $last, $kind, $crime_type, $vintage, $ward_code
WITH loaded AS (
  SELECT DISTINCT month FROM ledger WHERE month BETWEEN $first AND $last
), picked AS (
  SELECT month, ward_code
  FROM incident_wards
  WHERE vintage = $vintage
    AND kind = $kind
    AND ($crime_type IS NULL OR crime_type = $crime_type)
    AND in_period(month, period, $first, $last)
)
SELECT l.month,
       count(p.month) FILTER (WHERE p.ward_code = $ward_code) AS ward_incidents,
       count(p.month) AS area_incidents
FROM loaded AS l
LEFT JOIN picked AS p ON p.month = l.month
GROUP BY l.month
ORDER BY l.month
