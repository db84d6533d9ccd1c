-- name: survey_responses
-- purpose: The respondent-level survey file loaded on the staff pages (csp_data/survey/store.py), one row per
--          respondent with its weight and answers, in the order of the file loaded. $path is the stored parquet
--          file (STORE/survey/responses-<token>.parquet), which never changes once written.
-- params: $path
SELECT *
FROM read_parquet($path)
ORDER BY line
