"""``python -m csp_data``: the command line."""

from csp_data.cli import main

raise SystemExit(main())
