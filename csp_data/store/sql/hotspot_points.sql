-- name: hotspot_points
-- purpose: Incidents of $kind (category $crime_type unless NULL) for $first to $last counted by police.uk snap point
--          (location with its coordinates), crime type, month and ward (current vintage), for the Hotspots page's
--          grid, Gi* statistics, repeat locations and top streets. Incidents without coordinates are left out.
-- params: $first, $last, $kind, $crime_type
SELECT location, longitude, latitude, ward_code, ward_name, crime_type, month, count(*) AS incidents
FROM incidents
WHERE kind = $kind
  AND ($crime_type IS NULL OR crime_type = $crime_type)
  AND longitude IS NOT NULL AND latitude IS NOT NULL
  AND in_period(month, period, $first, $last)
GROUP BY ALL
ORDER BY location, longitude, latitude, crime_type, month
