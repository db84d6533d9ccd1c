"""A message that quotes what a file holds shows it as written: an uploaded file cannot put a link or a picture
in the error the uploader reads, and a command to run stays a command."""

from __future__ import annotations

import lxml.html
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest


def page():
    from csp_data.errors import CspDataError
    from csp_data.ui.errors import show_error

    show_error(
        CspDataError(
            "column 'ward_code': '[evil](https://evil.example) ![p](https://evil.example/p.png)' is not a "
            "ward code in /srv/data/survey_2024.csv; run `python -m csp_data status`"
        ),
        "Check the file and load it again.",
    )


def test_the_error_shows_the_file_as_written():
    at = AppTest.from_function(page).run()
    [error] = at.error
    root = lxml.html.fragment_fromstring(MarkdownIt("commonmark").render(error.value), create_parent="div")
    assert not root.xpath("//a | //img")
    assert [c.text for c in root.iter("code")] == ["python -m csp_data status"]
    assert root.text_content().split("\n")[0] == (
        "column 'ward_code': '[evil](https://evil.example) ![p](https://evil.example/p.png)' is not a ward code in "
        "survey_2024.csv; run python -m csp_data status"
    )
    assert "Check the file and load it again." in root.text_content()
