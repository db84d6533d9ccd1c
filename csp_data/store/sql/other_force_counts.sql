-- name: other_force_counts
-- purpose: Incidents in the area reported by forces other than the area's territorial force(s) (such as British
--          Transport Police at stations), by month, force and kind: their own series, never in the area's totals.
-- params:
SELECT strftime(month, '%Y-%m') AS month, force, kind, count(*) AS incidents
FROM incidents_other_forces
GROUP BY ALL
ORDER BY month, force, kind DESC
