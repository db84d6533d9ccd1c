-- name: ward_crime_mix
-- purpose: Incidents by kind and police.uk category for $first to $last in ward $ward_code of vintage $vintage
--          and in the whole area, with each category's share of its kind (crime or ASB) in both.
-- params: $first, $last, $vintage, $ward_code
WITH counted AS (
  SELECT kind, crime_type,
         count(*) FILTER (WHERE ward_code = $ward_code) AS ward_incidents,
         count(*) AS area_incidents
  FROM incident_wards
  WHERE vintage = $vintage AND in_period(month, period, $first, $last)
  GROUP BY kind, crime_type
)
SELECT kind, crime_type, ward_incidents, area_incidents,
       ward_incidents / nullif(sum(ward_incidents) OVER (PARTITION BY kind), 0) AS ward_share,
       area_incidents / nullif(sum(area_incidents) OVER (PARTITION BY kind), 0) AS area_share
FROM counted
ORDER BY kind DESC, area_incidents DESC, crime_type
