-- name: hotspot_points
-- purpose: Incidents of $kind (category $crime_type unless NULL) for $first to $last counted by police.uk snap point
--          (location with its coordinates), crime type, month and ward (current vintage; its label from the wards
--          table), for the Hotspots page's grid, Gi* statistics, repeat locations and top streets. Incidents without
--          coordinates are left out.
-- params: $first, $last, $kind, $crime_type
SELECT place_name(i.location) AS location, i.longitude, i.latitude, i.ward_code, coalesce(w.ward_name, i.ward_name) AS ward_name,
       i.crime_type, i.month, count(*) AS incidents
FROM incidents AS i
LEFT JOIN current_wards AS w USING (ward_code)
WHERE i.kind = $kind
  AND ($crime_type IS NULL OR i.crime_type = $crime_type)
  AND i.longitude IS NOT NULL AND i.latitude IS NOT NULL
  AND in_period(i.month, i.period, $first, $last)
GROUP BY ALL
ORDER BY location, i.longitude, i.latitude, i.crime_type, i.month
