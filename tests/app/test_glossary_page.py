"""The Glossary page: every term once, A to Z, each under a heading a page can link to."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from csp_data import glossary


def test_the_glossary_page_lists_every_term_with_its_meaning():
    at = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/glossary.py").run()
    assert not at.exception and not at.error
    headings = [h.value for h in at.main.header]
    assert headings == sorted((t.term for t in glossary.TERMS), key=str.lower)
    assert len(set(headings)) == len(headings)
    text = " ".join(m.value for m in at.markdown)
    for term in glossary.TERMS:
        assert term.meaning in text
    assert "Getis-Ord Gi*" in " ".join(headings) and "Benjamini-Hochberg" in " ".join(headings)


def test_every_term_is_found_by_its_own_patterns_and_has_a_plain_meaning():
    for term in glossary.TERMS:
        name = term.term
        used = glossary.terms_used(f"{name} {name.lower()} {term.meaning}")
        assert term in used, name
        assert 40 <= len(term.meaning) <= 400 and term.meaning.endswith(".")
    assert glossary.anchor(glossary.TERMS[0]) == "asb-anti-social-behaviour"
