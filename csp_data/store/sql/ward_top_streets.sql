-- name: ward_top_streets
-- purpose: The $limit police.uk locations (anonymised snap points, e.g. "On or near High Street") with the most
--          incidents of $kind (category $crime_type unless NULL) in ward $ward_code of vintage $vintage for
--          $first to $last, with each location's share of the ward's incidents and its rank (ties share a rank).
-- params: $first, $last, $kind, $crime_type, $vintage, $ward_code, $limit
SELECT rank() OVER (ORDER BY count(*) DESC) AS rank,
       location,
       count(*) AS incidents,
       count(*) / sum(count(*)) OVER () AS share_of_ward
FROM incident_wards
WHERE vintage = $vintage
  AND ward_code = $ward_code
  AND kind = $kind
  AND ($crime_type IS NULL OR crime_type = $crime_type)
  AND in_period(month, period, $first, $last)
GROUP BY location
ORDER BY incidents DESC, location
LIMIT $limit
