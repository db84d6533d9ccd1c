-- name: coverage_ledger
-- purpose: The coverage ledger: rows read, kept and dropped by reason for each loaded month and force.
-- params:
SELECT strftime(month, '%Y-%m') AS month, force, rows_read, rows_kept,
       no_location, outside_area, malformed, in_no_ward, source, loaded_at
FROM ledger
ORDER BY month, force
