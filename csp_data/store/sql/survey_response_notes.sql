-- name: survey_response_notes
-- purpose: What the stored respondent-level file was made from: the name and SHA-256 of the file loaded, when it
--          was loaded, whether it had weights and its questions in order (the parquet file's csp.* metadata).
-- params: $path
SELECT decode(key) AS key, decode(value) AS value
FROM parquet_kv_metadata($path)
WHERE starts_with(decode(key), 'csp.')
ORDER BY key
