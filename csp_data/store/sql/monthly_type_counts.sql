-- name: monthly_type_counts
-- purpose: Incidents per month, kind and police.uk category for $first to $last, counting only months
--          in the ledger (loaded months). A loaded month with no incidents of a category has no row
--          here: seasonality.py fills it with 0, and leaves months not in the ledger missing.
-- params: $first, $last
SELECT i.month, i.kind, i.crime_type, count(*) AS incidents
FROM incidents AS i
WHERE in_period(i.month, i.period, $first, $last)
  AND i.month IN (SELECT DISTINCT month FROM ledger)
GROUP BY i.month, i.kind, i.crime_type
ORDER BY i.month, i.kind DESC, i.crime_type
