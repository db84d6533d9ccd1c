-- name: crime_type_counts
-- purpose: Incidents by police.uk category for $first to $last, with each category's share of its kind.
-- params: $first, $last
SELECT kind, crime_type, count(*) AS incidents,
       count(*) / sum(count(*)) OVER (PARTITION BY kind) AS share
FROM incidents
WHERE in_period(month, period, $first, $last)
GROUP BY kind, crime_type
ORDER BY kind DESC, incidents DESC, crime_type
