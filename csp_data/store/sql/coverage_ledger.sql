-- name: coverage_ledger
-- purpose: The coverage ledger: rows read, kept and dropped by reason for each loaded month and force (every force,
--          the territorial force's and others'), with the file each came from by its name alone (no server path).
-- params:
SELECT strftime(month, '%Y-%m') AS month, force, rows_read, rows_kept,
       no_location, outside_area, malformed, in_no_ward,
       regexp_extract(source, '[^/\\:]*$') AS source, loaded_at
FROM ledger_all_forces
ORDER BY month, force
