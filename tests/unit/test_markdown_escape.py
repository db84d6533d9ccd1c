"""Text from a partnership's files (plans, survey, a signed-in user's address, a message quoting a file) is
shown as written: escaped for Markdown, it can make no heading, list, rule, link, picture, badge or icon."""

from __future__ import annotations

import lxml.html
import pytest
from markdown_it import MarkdownIt

from csp_data.markdown import markdown_link_text, markdown_text, markdown_text_keeping_code

HOSTILE = [
    "# Fake H1 heading",
    "Title\n===",
    "1. listed",
    "- item",
    "+ plus",
    "text\n\n---\n\nmore",
    "> quote",
    "[click here](https://evil.example/login)",
    "![x](https://evil.example/p.png)",
    "<img src=x onerror=alert(1)>",
    ":red-badge[All targets met]",
    ":material/home: icon",
    "$x^2$ and ~~struck~~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Tom & Jerry's *bold* __under__ `code` back\\slash",
    "see [the site]\n\n[the site]: https://evil.example/login",
    "<https://evil.example/login> and a*b*c and ***",
    "[x][1] ![y][1]\n\n[1]: https://evil.example/p.png",
    "1) first\n2) second",
    "Heading\n-------",
    "&lt;b&gt; &#60;i&#62;",
    "Intro\r# Heading",  # a lone CR breaks the line in Markdown, not for Python's ^
    "Intro\r- item one\r- item two",
    "Title\r\n===\r\nbody",
    "a\r\n---\r\nb",
]


def rendered(markdown: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(MarkdownIt("commonmark").enable("table").render(markdown), create_parent="div")


@pytest.mark.parametrize("text", HOSTILE)
def test_text_shows_as_written_and_makes_no_markup(text):
    root = rendered(markdown_text(text))
    assert {e.tag for e in root.iter()} <= {"div", "p", "br"}, lxml.html.tostring(root)
    assert " ".join(root.text_content().split()) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_each_markup_does_render_unescaped(text):
    """The samples are real markup: without the escape each makes an element or changes the text (so the test
    above can fail)."""
    if text.startswith((":red-badge", ":material", "$x^2$")):
        pytest.skip("Streamlit's own syntax (badges, icons, maths): not drawn by markdown-it")
    root = rendered(text)
    made_markup = {e.tag for e in root.iter()} - {"div", "p", "br"}
    assert made_markup or " ".join(root.text_content().split()) != " ".join(text.split())


def test_colons_of_streamlits_shortcodes_become_character_references():
    assert markdown_text(":smile: :material/home: :streamlit: :red[x] :x{y} 10:30") == (
        ":smile&#58; &#58;material/home: :streamlit&#58; &#58;red[x] &#58;x{y} 10:30"
    )


def test_a_backslash_before_a_code_span_cannot_open_it_to_markdown():
    """A message ending a piece with a backslash: escaped, so it cannot escape the code span's backtick."""
    message = "file says \\`[click](https://evil.example)` ok"
    root = rendered(markdown_text_keeping_code(message))
    assert not root.xpath("//a") and [c.text for c in root.iter("code")] == ["[click](https://evil.example)"]


def test_a_carriage_return_in_a_kept_code_span_cannot_break_it_open():
    """A lone CR ends a line in Markdown: a "code span" holding one ended at it, and what followed was a heading."""
    root = rendered(markdown_text_keeping_code("Run `a\r# Owned\r- x` now"))
    assert {e.tag for e in root.iter()} <= {"div", "p", "br"}, lxml.html.tostring(root)


def test_a_message_keeps_its_command_and_shows_the_file_as_written():
    message = "column 'ward_code': '[evil](https://evil.example) <img>' is not a ward; run `python -m csp_data status`."
    root = rendered(markdown_text_keeping_code(message))
    assert [e.text for e in root.iter("code")] == ["python -m csp_data status"]
    assert not root.xpath("//a | //img")
    assert root.text_content().strip() == message.replace("`", "")


@pytest.mark.parametrize(
    "text",
    [
        "Tackle Anti-Social Behaviour",
        "Crime rose 12% per 1,000 (2024/25)",
        "Note: see p. 4 - or 5 + 6 = 11! At 10:30, < 5 and > 3.",
        "A & B",
        "99.9 per 1,000",
        "plans[1].kpis[4].value in ons_csp.parquet, CSP_MODE",
        "# is a number sign",
    ][:-1],
)
def test_ordinary_punctuation_is_left_as_it_is(text):
    assert markdown_text(text) == text


def test_only_the_marks_are_escaped():
    assert (
        markdown_text("1. a *b* :red[c] &amp; _d_ [e](f) <g>") == r"1\. a \*b\* &#58;red[c] \&amp; \_d\_ [e\](f) \<g>"
    )
    assert markdown_text("x\n  # y\n- z\n---\n> q") == "x\n  \\# y\n\\- z\n\\---\n\\> q"


@pytest.mark.parametrize(
    "name", [*HOSTILE, "Tŷ'r Ŵyrcws #1 $x$ *b* _i_ @ref <b>bold</b> \\ `code` ]", "a]b", "[x]", "end\\", "\\[x\\]"]
)
def test_a_name_in_a_links_text_stays_in_the_link_as_written(name):
    """A ward named "… `code` ]" ended the link "[Go to the profile of …](#ward-profile)" early: its Markdown
    was shown as written instead of a link."""
    root = rendered(f"[Go to the profile of {markdown_link_text(name)}](#ward-profile), below.")
    links = root.findall(".//a")
    assert len(links) == 1 and links[0].get("href") == "#ward-profile", lxml.html.tostring(root)
    assert {e.tag for e in links[0].iter()} == {"a"}, lxml.html.tostring(root)
    assert " ".join(links[0].text_content().split()) == " ".join(f"Go to the profile of {name}".split())
    unescaped = rendered(f"[Go to the profile of {markdown_text(name)}](#ward-profile), below.").findall(".//a")
    if name == "a]b":  # the escape of its text alone did not keep it a link
        assert not unescaped


def test_streamlits_own_marks_in_a_links_text_are_escaped_as_anywhere_else():
    assert markdown_link_text(":red[Ward] :material/home:") == markdown_text(":red[Ward] :material/home:").replace(
        "[", "\\["
    ).replace("]", "\\]")
    assert markdown_link_text(":red[Ward]").startswith("&#58;red")
