"""``python -m csp_data``: the command line."""

import sys

try:
    from csp_data.cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing has been read or written yet
    print("error: interrupted while starting; nothing was read or written", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
