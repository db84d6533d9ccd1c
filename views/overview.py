"""Overview: the crime picture in context."""

import streamlit as st

from csp_data import ui
from csp_data.periods import named_coverage
from csp_data.ui import overview as overview_ui

area = ui.current_area()
period = st.session_state.get("period")
st.title(f"{area.short_name}: the crime picture in context")
if period is None:
    st.info(ui.no_months_message())
    st.stop()

with ui.guard("Try another period; if this keeps happening, please tell the site's maintainers."):
    picture = overview_ui.picture(area, period, ui.loaded_months(), ui.area_population(area))
    overview = picture.overview
    monthly_chart, type_chart = overview_ui.overview_charts(area, period, ui.loaded_months(), ui.area_population(area))

st.caption(
    f"{named_coverage(period, overview.coverage_text)} Source: data.police.uk street-level crime and ASB "
    f"(Open Government Licence). Population: {overview.population_note}. {ui.forces_note(area)}"
)
st.markdown(ui.SIDEBAR_HINT)

crime, asb = overview.crime, overview.asb
overview_ui.show_kind(crime, "Recorded crime", "Crimes", "Crimes per 1,000 residents")
st.caption(crime.change_text + (f"\n\nLonger comparison: {picture.crime_longer}" if picture.crime_longer else ""))
overview_ui.show_kind(asb, "Anti-social behaviour", "ASB incidents", "ASB incidents per 1,000 residents")
st.caption(
    (asb.change_text if asb.change else "ASB is counted separately and never added to crime.")
    + (f"\n\nLonger comparison: {picture.asb_longer}" if picture.asb_longer else "")
)

overview_ui.show_context(picture)

st.header("In brief")
longer = [f"Longer comparison: {text}" for text in (picture.crime_longer, picture.asb_longer) if text]
st.markdown("\n".join(f"- {sentence}" for sentence in [*overview.sentences, *longer]))

st.header("Month by month")
ui.show_chart(*monthly_chart)
monthly_table = overview.monthly.pivot(index="month", columns="kind", values="incidents").reset_index()
monthly_table = monthly_table.rename(columns={"crime": "crimes", "asb": "asb_incidents"})[
    ["month", "crimes", "asb_incidents"]
]
ui.show_table(
    monthly_table,
    f"{ui.slug(area.short_name)}-monthly-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
    expander="Table: incidents by month",
)

types_column, wards_column = st.columns(2)
with types_column:
    st.header("Crime by type")
    ui.show_chart(*type_chart)
    types_table = overview.crime_types[overview.crime_types["kind"] == "crime"].drop(columns="kind")
    ui.show_table(
        types_table,
        f"{ui.slug(area.short_name)}-crime-types-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
        labels={"incidents": "Crimes", "share": "Share of crime", "change": "Change in words"},
        expander="Table: crime by type",
    )

with wards_column:
    st.header("Top 5 wards")
    for kind, title in (("crime", "Crime"), ("asb", "ASB")):
        share = overview.top_wards_share[kind]
        table = overview.top_wards[kind].drop(columns="ward_code")
        st.markdown(f"**{title}**" + (f": {share:.0%} of the {area.short_name} total" if share is not None else ""))
        ui.show_table(
            table,
            f"{ui.slug(area.short_name)}-top-wards-{kind}-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
            empty=f"No {title.lower()} was placed in a ward in this period.",
        )
    st.caption(
        f"{area.current_wards.label}. Each incident is placed in the ward whose boundary contains its "
        "police.uk map point; shares are of the whole area's total."
    )
