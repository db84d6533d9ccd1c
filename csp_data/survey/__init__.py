"""Residents' survey results: published figures (YAML) and respondent-level files (CSV).

Two kinds of input, both described in ``data/medway/survey/README.md``:

* **Published results**, one YAML file per survey (``survey_2024.yaml`` ...), read
  with :func:`load_survey` / :func:`load_surveys`. Questions asked in the same way in
  different years share a ``compare_key`` (see :func:`comparable_questions`).
* **Respondent-level answers**, a CSV file with one row per respondent, read with
  :func:`read_survey_responses` and summarised with :func:`weighted_proportions`
  (weighted shares, Wilson intervals on the Kish effective sample size; the method is
  in :mod:`csp_data.survey.weighting`). Groups of fewer than :data:`MIN_GROUP_SIZE`
  respondents are withheld, with as many of the next smallest as it takes for no
  withheld group to be worked out from the rest (:mod:`csp_data.survey.disclosure`).

Modules
-------
published
    The published-results model and its YAML reader.
responses
    The respondent-level model and its CSV reader.
weighting
    Weighted proportions and intervals.
disclosure
    Which groups of a respondent-level table are withheld (primary and complementary
    suppression), and the check that none can be worked out from what is shown.
tables
    Published results as tables: all figures, one question, one question across years;
    weighted shares in the order a page shows them.
wording
    Figures, methods and what is not published, in plain English.
charts
    Altair charts of published and weighted shares.

Run ``python -m csp_data.survey [PATH ...]`` to validate survey YAML files (or a
folder of them) from the shell.
"""

from csp_data.survey.charts import (
    SURVEY_COLOUR,
    comparison_chart,
    comparison_chart_alt,
    published_chart,
    published_chart_alt,
    weighted_chart,
    weighted_chart_alt,
    year_colours,
)
from csp_data.survey.disclosure import (
    MIN_GROUP_SIZE,
    MIN_SHARE_RANGE,
    PROTECTING,
    TOO_FEW,
    WITHHELD_TOGETHER,
    GroupTotals,
    Withheld,
    pinned_figures,
    withhold,
)
from csp_data.survey.published import (
    ALL_RESPONDENTS,
    ANSWER_TYPES,
    DEFAULT_SURVEY_DIR,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveySample,
    load_survey,
    load_surveys,
)
from csp_data.survey.responses import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SEX_VALUES,
    Respondent,
    ResponseFileError,
    SurveyResponses,
    read_survey_responses,
)
from csp_data.survey.tables import (
    ANSWER_SCALES,
    answer_order,
    comparable_questions,
    comparison_frame,
    grouped_shares,
    headline_questions,
    overall_shares,
    perception_rows,
    question_results,
    survey_results_frame,
)
from csp_data.survey.weighting import (
    NOT_STATED,
    Z_95,
    SurveyArgumentError,
    is_small_base,
    kish_effective_n,
    weighted_proportions,
    wilson_interval,
)
from csp_data.survey.wording import (
    NOT_PUBLISHED,
    WEIGHTED_TERMS,
    answer_text,
    comparison_wide,
    method_differences,
    percent_decimals,
    published_caveat,
    question_title,
    respondent_data_text,
    respondent_method_text,
    samples_text,
    share_text,
    withheld_text,
)
from csp_data.yamlfile import DataFileError, Source, UnknownIdError

__all__ = [
    "ALL_RESPONDENTS",
    "ANSWER_SCALES",
    "ANSWER_TYPES",
    "DEFAULT_SURVEY_DIR",
    "MIN_GROUP_SIZE",
    "MIN_SHARE_RANGE",
    "NOT_PUBLISHED",
    "NOT_STATED",
    "OPTIONAL_COLUMNS",
    "PROTECTING",
    "REQUIRED_COLUMNS",
    "SEX_VALUES",
    "SURVEY_COLOUR",
    "TOO_FEW",
    "WEIGHTED_TERMS",
    "WITHHELD_TOGETHER",
    "Z_95",
    "DataFileError",
    "GroupTotals",
    "Respondent",
    "ResponseFileError",
    "Source",
    "Survey",
    "SurveyAnswer",
    "SurveyArgumentError",
    "SurveyQuestion",
    "SurveyResponses",
    "SurveySample",
    "UnknownIdError",
    "Withheld",
    "answer_order",
    "answer_text",
    "comparable_questions",
    "comparison_chart",
    "comparison_chart_alt",
    "comparison_frame",
    "comparison_wide",
    "grouped_shares",
    "headline_questions",
    "is_small_base",
    "kish_effective_n",
    "load_survey",
    "load_surveys",
    "method_differences",
    "percent_decimals",
    "overall_shares",
    "perception_rows",
    "pinned_figures",
    "published_caveat",
    "published_chart",
    "published_chart_alt",
    "question_results",
    "question_title",
    "read_survey_responses",
    "respondent_data_text",
    "respondent_method_text",
    "samples_text",
    "share_text",
    "survey_results_frame",
    "weighted_chart",
    "weighted_chart_alt",
    "weighted_proportions",
    "wilson_interval",
    "withheld_text",
    "withhold",
    "year_colours",
]
