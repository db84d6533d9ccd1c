"""``python -m csp_data.plans [PATH]``: check a plan file and print what it holds."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from csp_data.plans.reader import DEFAULT_PLANS_PATH, load_plans
from csp_data.plans.wording import plan_summary
from csp_data.yamlfile import DataFileError


def main(argv: Sequence[str]) -> int:
    """Validate a plan file and print a one-line summary per plan.

    Parameters
    ----------
    argv : sequence of str
        The plan file, or nothing for the embedded default area's.

    Returns
    -------
    int
        0 when the file is valid, 1 (after printing the problem) when it is not.
    """
    path = Path(argv[0]) if argv else DEFAULT_PLANS_PATH
    try:
        plans = load_plans(path)
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for plan in plans:
        print(plan_summary(plan))
    print(f"{path}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
