"""The app's Markdown as HTML inside tables (csp_data.ui.markdown_html): badges, bold, line breaks and
escaped text from area files; whatever markup the text holds is shown as text, never run."""

import lxml.html
import pytest

from csp_data.markdown import markdown_text
from csp_data.plans.wording import RAG_LABELS, rag_badge, rag_badges
from csp_data.ui.markdown_html import inline_html
from csp_data.ui.tables import table_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (":green-badge[✔ Green] – a real fall", '<span class="csp-badge csp-badge-green">✔ Green</span> – a real fall'),
        ("**1,234**  \nApril 2024", "<strong>1,234</strong><br />\nApril 2024"),
        (":blue-badge[**a** b] c", '<span class="csp-badge csp-badge-blue"><strong>a</strong> b</span> c'),
        (":green-badge[a [b] c]", '<span class="csp-badge csp-badge-green">a [b] c</span>'),
        (":green-badge[not closed", ":green-badge[not closed"),  # not a badge: shown as written
        (":pink-badge[x]", ":pink-badge[x]"),  # not a colour Streamlit's badges take
        ("green-badge[x]", "green-badge[x]"),
        ("", ""),
    ],
)
def test_markdown_as_html(text, expected):
    assert inline_html(text) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        ':green-badge[<b onclick="x">Green</b>]',
        "<a href='javascript:alert(1)'>x</a>",
        ":red-badge[[x](javascript:alert(1))]",
    ],
)
def test_markup_in_the_text_is_never_markup(hostile):
    """Raw HTML is shown as text and links to scripts are not links, also inside a badge."""
    root = lxml.html.fragment_fromstring(inline_html(hostile), create_parent="div")
    assert not root.xpath("//script | //img | //b | //a | //*[@onclick] | //*[@onerror]")
    assert {e.tag for e in root.iter()} <= {"div", "span"}


@pytest.mark.parametrize(
    "name",
    ["Arrests *over* 600 <b>", "A `code` [link](x) $5 ~ |", "back\\slash_and_underscore_", ":green-badge[fake]"],
)
def test_area_text_reads_as_written(name):
    """Text from an area's files, escaped for Markdown (markdown_text), reads exactly as written."""
    root = lxml.html.fragment_fromstring(inline_html(markdown_text(name)), create_parent="div")
    assert root.text_content() == name
    assert len(root) == 0  # no element: no emphasis, link, code or badge


def test_every_status_badge_reads_as_its_symbol_and_word():
    for status, label in RAG_LABELS.items():
        root = lxml.html.fragment_fromstring(inline_html(rag_badge(status, 3)), create_parent="div")
        (span,) = root
        assert span.get("class") == f"csp-badge csp-badge-{label.badge_colour}"
        assert span.text_content() == f"{label.symbol} {label.name}: 3"
    both = inline_html(rag_badges({"green": 2, "red": 1}))
    assert lxml.html.fragment_fromstring(both, create_parent="div").text_content() == "✔ Green: 2 ✖ Red: 1"


def test_a_markdown_table_keeps_its_markdown_as_data():
    import pandas as pd

    frame = pd.DataFrame({"KPI": ["Arrests <b>"], "Status": [rag_badge("green") + " met"]})
    body = table_html(frame, markdown=True)
    root = lxml.html.fromstring(body)
    (th,) = root.xpath("//tbody/tr/th")
    (td,) = root.xpath("//tbody/tr/td")
    assert th.text_content() == "Arrests <b>" and not th.xpath(".//b")  # markup in the text is shown as text
    assert td.xpath("./span[@class='csp-badge csp-badge-green']")[0].text_content() == "✔ Green"
    assert td.get("data-value") == '":green-badge[\\u2714 Green] met"'
    assert table_html(frame) != body  # without markdown, the same cells are text
