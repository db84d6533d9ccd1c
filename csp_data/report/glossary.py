"""The pack's glossary: every term the pack uses that a reader may not know, and no term it does not use.

Each term has the patterns that show it is used (searched in the whole text of the pack, before the
glossary is added) and one plain definition.
"""

from __future__ import annotations

import pandas as pd

from csp_data.glossary import terms_used
from csp_data.report.model import Pack, Section, Table


def glossary_section(pack: Pack) -> Section:
    """The glossary of the terms the pack (as built so far) uses."""
    used = terms_used("\n".join(pack.texts()))
    frame = pd.DataFrame({"Term": [t.term for t in used], "Meaning": [t.meaning for t in used]})
    return Section("Glossary", [Table(frame, widths=(2.2, 7))])
