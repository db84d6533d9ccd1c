"""Data and methods: sources, licence, coverage ledger and caveats."""

import streamlit as st

from csp_data import ui
from csp_data.figures.ledger import NO_MONTHS_LOADED, ledger_summary
from csp_data.markdown import markdown_text

LEDGER_HEADINGS = {
    "force": "Force",
    "rows_read": "Rows read",
    "rows_kept": "Rows kept (in the area)",
    "no_location": "Dropped: no location",
    "outside_area": "Dropped: outside the area",
    "malformed": "Dropped: unreadable",
    "in_no_ward": "Kept, in no ward",
}

area = ui.current_area()
st.title("Data and methods")
rates = (
    f"per 1,000 residents, using {area.population.cited}"
    if area.population
    else "not given: no population figures are configured for this area's wards"
)
st.markdown(
    f"""
**Street-level crime and anti-social behaviour** come from [data.police.uk](https://data.police.uk/),
published by the Home Office and police forces under the
[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).
Contains public sector information licensed under the Open Government Licence v3.0.

- **ASB is not crime.** Anti-social behaviour incidents are shown separately and never added to crime totals.
- **Locations are anonymised.** police.uk moves every incident to a nearby "snap point" (a street
  segment or place), so a point is approximate, not an address.
- **Wards.** Each incident is placed in the ward whose boundary contains its snap point
  ({markdown_text(", ".join(w.label for w in area.wards))}; {markdown_text(area.boundary_sources)}). Incidents whose point falls
  in no ward polygon (for example just off the generalised coastline) count towards the
  {area.short_name} total but no ward.
- **Rates** are {rates}.
- **Missing months are missing, not zero**; a period with months not loaded is labelled partial, and a
  change compares only the months loaded in both periods, saying which.
- **Change** is judged with a 95% confidence interval for the ratio of two counts (exact Poisson
  method), so a change is called real only when chance alone would rarely produce it.
"""
)

st.header("Police forces")
st.markdown(ui.forces_note(area, where="below"))
other_forces = ui.run_query("other_force_counts")
if len(other_forces):
    st.caption("Incidents in the area reported by other forces, by month: their own series, never in the totals.")
    ui.show_table(
        other_forces,
        f"{ui.slug(area.short_name)}-other-forces.csv",
        labels={"force": "Force", "kind": "Crime or ASB"},
    )

st.header("Coverage ledger")
ledger = ui.run_query("coverage_ledger")
if len(ledger):
    st.markdown(ledger_summary(ledger, area.short_name))
    st.caption("The table has every month loaded into the store, with each dropped row counted by reason.")
ui.show_table(
    ledger,
    f"{ui.slug(area.short_name)}-coverage-ledger.csv",
    labels=LEDGER_HEADINGS,
    hidden=["source", "loaded_at"],
    empty=NO_MONTHS_LOADED,
    expander=f"Table: every month loaded ({ledger['month'].nunique()})",
)
