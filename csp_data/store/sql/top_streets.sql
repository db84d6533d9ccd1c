-- name: top_streets
-- purpose: The top streets of both the Hotspots page and the ward profile: the $limit police.uk locations
--          (anonymised snap points, e.g. "On or near High Street"; one name in two wards counted apart) with the
--          most incidents of $kind (category $crime_type unless NULL) in ward $ward_code (the whole area when
--          NULL) of vintage $vintage for $first to $last, with each one's share of those incidents and its rank
--          (ties share a rank); incidents in no ward of the vintage have no ward code. For the change: each one's incidents in the months $compared_months and in the
--          months $previous_months (lists of first-of-month dates; NULL or empty for none).
-- params: $first, $last, $kind, $crime_type, $vintage, $ward_code, $limit, $compared_months, $previous_months
WITH counts AS (
    SELECT ward_code,
           min(ward_name) AS ward_name,
           place_name(location) AS location,
           bool_or(unnamed_place(location)) AS unnamed,
           count(*) FILTER (WHERE month BETWEEN $first AND $last) AS incidents,
           count(*) FILTER (WHERE list_contains($compared_months, month)) AS compared_incidents,
           count(*) FILTER (WHERE list_contains($previous_months, month)) AS previous_incidents
    FROM incident_wards
    WHERE vintage = $vintage
      AND ($ward_code IS NULL OR ward_code = $ward_code)
      AND kind = $kind
      AND ($crime_type IS NULL OR crime_type = $crime_type)
      -- the period and the previous months together (files outside both are skipped), then each exactly
      AND in_period(month, period, least($first, list_min($previous_months)), $last)
      AND (month BETWEEN $first AND $last OR list_contains($previous_months, month))
    GROUP BY ward_code, place_name(location)
)
-- Points police.uk gives no name are not a street: left out of the list, but in the total its shares are of.
SELECT rank() OVER (ORDER BY incidents DESC) AS rank,
       location,
       ward_code,
       ward_name,
       incidents,
       incidents / total AS share,
       compared_incidents,
       previous_incidents
FROM (SELECT *, sum(incidents) OVER () AS total FROM counts WHERE incidents > 0)
WHERE NOT unnamed
ORDER BY incidents DESC, location, ward_name
LIMIT $limit
