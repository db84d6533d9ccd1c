-- name: loaded_months
-- purpose: The months held in the store (from the ledger), whether or not any row fell in the area.
-- params:
SELECT DISTINCT month
FROM ledger
ORDER BY month
