"""``python -m csp_data.survey [PATH ...]``: check survey YAML files (or folders) and print what they hold."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from csp_data.survey.published import DEFAULT_SURVEY_DIR, load_surveys
from csp_data.survey.tables import comparable_questions
from csp_data.yamlfile import DataFileError


def main(argv: Sequence[str]) -> int:
    """Validate survey YAML files (or a folder) and print a one-line summary each.

    Parameters
    ----------
    argv : sequence of str
        Files or folders, or nothing for the embedded default area's survey folder.

    Returns
    -------
    int
        0 when every file is valid, 1 (after printing the problem) when one is not.
    """
    targets: Sequence[str | Path] = argv or [DEFAULT_SURVEY_DIR]
    try:
        surveys = [s for target in targets for s in load_surveys(target)]
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for survey in surveys:
        answers = sum(len(q.answers) for q in survey.questions)
        print(f"{survey.id} ({survey.year}): {len(survey.questions)} questions, {answers} answers  [{survey.path}]")
    for key, pairs in comparable_questions(surveys).items():
        print(f"comparable '{key}': {', '.join(str(s.year) for s, _ in pairs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
