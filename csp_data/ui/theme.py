"""How every page presents itself: its title in the browser, the site's name in the sidebar, and the
stylesheet that lifts the framework's faint focus rings and borders to WCAG 2.2 AA.

Text is GOV.UK's near-black (``[theme] textColor`` in ``.streamlit/config.toml``); Streamlit draws
other secondary text in that colour at 60% opacity, 5.2:1 on white. What the theme cannot set is
here, injected once per run by :func:`apply_theme`.
"""

from __future__ import annotations

import html

import streamlit as st

from csp_data.config import Area
from csp_data.plans.wording import RAG_LABELS

#: The focus ring: near-black, 3 px (19:1 on white, 6.6:1 against the sidebar's grey and 4:1
#: against the blue of a primary button), so it is seen on every background the app has.
FOCUS_COLOUR = "#0b0c0c"
#: Captions (coverage, "partial", sources: the caveats) in GOV.UK's secondary text colour, 7.1:1 on
#: white and 6.7:1 on the sidebar's grey. Streamlit fades them with opacity instead (3.9:1 and 3.8:1
#: with its default text colour), which also hides the sidebar's captions from axe's contrast check.
CAPTION_COLOUR = "#505a5f"
#: Borders that show where a control is (buttons, inputs): 4.5:1 on white, above the 3:1 of 1.4.11.
CONTROL_BORDER_COLOUR = "#767676"

_BADGE_RULES = "\n".join(
    f".stApp .csp-badge-{label.badge_colour} {{ background: {label.background}; }}" for label in RAG_LABELS.values()
)

STYLESHEET = f"""
<style>
/* One focus indicator for every control, drawn by the app rather than left to the framework, whose
   rings are faint (a 50% blue glow) or missing (sidebar links, toolbar buttons, data grids). */
.stApp :is(a, button, summary, input, textarea, canvas, [tabindex]):focus-visible {{
  outline: 3px solid {FOCUS_COLOUR} !important;
  outline-offset: 2px;
}}
/* Radios, checkboxes and toggles hide their input: the ring goes round the label the user sees. */
.stApp label:has(input:is([type="radio"], [type="checkbox"]):focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR};
  outline-offset: 2px;
  border-radius: 4px;
}}
/* Select boxes: round the whole box, not the small text input inside it. */
.stApp [role="group"]:has(> input:focus-visible),
.stApp [data-baseweb="select"]:has(input:focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR};
  outline-offset: 1px;
}}
/* Tables: round the whole table while focus is anywhere in it (its canvas, its scroller or the cells
   that screen readers use); the grid itself marks the chosen cell. */
.stApp [data-testid="stDataFrameResizable"]:focus-within {{
  outline: 3px solid {FOCUS_COLOUR};
  outline-offset: 2px;
}}
.stApp [data-testid="stDataFrameResizable"] :focus-visible {{
  outline: none !important;
}}
/* A figure that says it is partial ("66.0 in 9 of 12 months") wraps rather than being cut to "66.0 in 9 of 12 …". */
.stApp [data-testid="stMetricValue"] :is(div, p) {{
  white-space: normal;
  text-overflow: clip;
  overflow: visible;
}}
/* The main area scrolls under the page's fixed header (60 px): a control reached by Tab is scrolled to
   below it, never behind it (WCAG 2.4.11). */
.stApp [data-testid="stMain"] {{
  scroll-padding-top: 4.5rem;
}}
/* Where a parent clips whatever is drawn outside (sidebar links, the scrolling main area, a map), the
   ring is drawn just inside the element instead. */
.stApp :is([data-testid="stSidebarNavLink"], [data-testid="stMain"], [data-testid="stDeckGlJsonChart"] [tabindex]):focus-visible {{
  outline-offset: -3px;
}}
/* Controls the framework shows only under the mouse (a chart's or table's toolbar, a heading's link)
   are shown while they have the keyboard's focus too. */
.stApp [data-testid="stElementToolbar"]:focus-within,
.stApp :is([data-testid="stHeaderActionElements"], [data-testid="stHeaderActionElements"] *):has(:focus-visible),
.stApp [data-testid="stHeaderActionElements"] :focus-visible {{
  opacity: 1 !important;
}}
/* ... and above the chart, as under the mouse: with the keyboard's focus alone the framework leaves the
   toolbar beneath the chart it overlaps, which hid its icons. */
.stApp [data-testid="stElementToolbar"]:focus-within {{
  z-index: 1 !important;
}}
/* Captions: an explicit colour, not a faded one. */
.stApp [data-testid="stCaptionContainer"] {{
  color: {CAPTION_COLOUR};
  opacity: 1;
}}
/* Buttons (downloads, the toolbar's) and inputs keep a border that can be seen. */
.stApp :is([data-testid^="stBaseButton-secondary"], [data-testid="stBaseButton-tertiary"]) {{
  border-color: {CONTROL_BORDER_COLOUR};
}}
/* The edges that show a control and its unchosen state (1.4.11, 3:1): the framework draws an unchosen
   radio's ring, a select box's edge and a switch's track at 1.6:1. */
.stApp [data-testid="stRadioOption"]:not([data-selected="true"]) > div > div:first-child {{
  border-color: {CONTROL_BORDER_COLOUR} !important;
}}
.stApp :is([data-testid="stSelectbox"], [data-testid="stMultiSelect"]) [role="group"] {{
  border-color: {CONTROL_BORDER_COLOUR} !important;
}}
.stApp [data-testid="stCheckbox"] label:has(input[role="switch"]:not(:checked)) > div:first-of-type {{
  background-color: {CONTROL_BORDER_COLOUR} !important;
}}
/* A figure's label is all that says what the figure is: it wraps rather than ending in "…". */
.stApp [data-testid="stMetricLabel"] * {{
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
}}
/* A collapsed sidebar (a phone, or 200% zoom) is out of sight: out of the Tab order and of what screen
   readers read too, rather than 14 controls reached but not seen. */
.stApp [data-testid="stSidebar"][data-collapsed="true"],
.stApp [data-testid="stSidebar"][data-collapsed="true"] * {{
  visibility: hidden !important;
}}
/* An open sidebar's Collapse button is always shown (Streamlit shows it only while the pointer is over the
   sidebar, and a hidden button is out of the Tab order): at 576-767px (200% zoom) the open sidebar hides the
   page and the keyboard had no way back to it. */
.stApp [data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarCollapseButton"] {{
  visibility: visible !important;
}}
/* Below 768px the open sidebar lies over the page: the page behind it is out of the Tab order while it
   is open (else the keyboard's focus goes to links the sidebar hides), and comes back when it closes. */
@media (max-width: 767.98px) {{
  .stApp:has([data-testid="stSidebar"][data-collapsed="false"]) :is([data-testid="stMain"], [data-testid="stMain"] *) {{
    visibility: hidden !important;
  }}
}}
/* Tables (csp_data/ui/tables.py): GOV.UK's plain style, rules between rows, figures right-aligned in
   tabular digits; a table wider than the screen (or longer than its box) scrolls in its own region. */
.stApp .csp-table {{
  overflow: auto;
  max-width: 100%;
  margin-bottom: 0.5rem;
}}
.stApp .csp-table-long {{
  max-height: 36rem;
}}
.stApp .csp-table table {{
  border-collapse: collapse;
  width: 100%;
  font-size: 0.875rem;
  line-height: 1.35;
}}
.stApp .csp-table :is(th, td) {{
  border: none;
  border-bottom: 1px solid #b1b4b6;
  padding: 0.4rem 0.75rem 0.4rem 0;
  text-align: left;
  vertical-align: top;
}}
.stApp .csp-table thead th {{
  font-weight: 700;
  border-bottom: 2px solid {FOCUS_COLOUR};
  position: sticky;
  top: 0;
  background: #ffffff;
}}
.stApp .csp-table tbody th {{
  font-weight: 400;
}}
/* Beyond a phone's width, long text gets room and short names stay on one line, so rows stay short; on a
   phone, every column wraps, so that text tables fit the screen. */
@media (min-width: 640px) {{
  .stApp .csp-table .wide {{
    min-width: 16rem;
  }}
  .stApp .csp-table td:not(.num, .wide) {{
    min-width: 7rem;
  }}
  .stApp .csp-table .name {{
    white-space: nowrap;
  }}
}}
.stApp .csp-table .num {{
  text-align: right;
  font-variant-numeric: tabular-nums;
}}
.stApp .csp-table td.num {{
  white-space: nowrap;
}}
/* A status badge in a table (csp_data/ui/markdown_html.py): its symbol and word in near-black on the
   status's light colour, so the colour is only a cue and the text keeps its contrast. */
.stApp .csp-badge {{
  display: inline-block;
  padding: 0 0.375rem;
  border-radius: 0.25rem;
  white-space: nowrap;
  font-weight: 600;
}}
{_BADGE_RULES}
/* The site's name in the sidebar: large and bold, but not a heading (each page has one h1, its own). */
.stApp .csp-site-name {{
  font-size: 1.5rem;
  font-weight: 700;
  line-height: 1.2;
  margin: 0;
}}
/* The sidebar's link to the view: a long address wraps anywhere rather than running off the sidebar. */
.stApp .st-key-share_link a {{
  overflow-wrap: anywhere;
}}
</style>
"""


def apply_theme() -> None:
    """Add the stylesheet to the page (once a run; a style-only ``st.html`` takes no space)."""
    st.html(STYLESHEET)


def site_name(area: Area) -> str:
    """The dashboard's name for an area: "Medway Community Safety"."""
    return f"{area.short_name} Community Safety"


def document_title(page_title: str, area: Area) -> str:
    """The browser tab's title of a page: "Ward map – Medway Community Safety", unique to each page."""
    return f"{page_title} – {site_name(area)}"


def site_name_html(area: Area) -> str:
    """The site's name as a paragraph of the sidebar (escaped: names come from an area file)."""
    return f'<p class="csp-site-name">{html.escape(site_name(area))}</p>'


def show_site_name(area: Area) -> None:
    """The site's name at the top of the sidebar, as large bold text: the page's own title is its only h1."""
    st.sidebar.html(site_name_html(area))
