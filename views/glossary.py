"""Glossary: the plain meaning of every term the dashboard and its scrutiny pack use."""

import streamlit as st

from csp_data import glossary, ui

area = ui.current_area()
st.title("Glossary")
st.markdown(
    f"What the words and statistics on these pages mean, in plain terms. The same meanings are printed at the "
    f"end of each {area.short_name} scrutiny pack."
)
for term in sorted(glossary.TERMS, key=lambda t: t.term.lower()):
    st.header(term.term, anchor=glossary.anchor(term))
    st.markdown(term.meaning)
