"""Text from a partnership's files, escaped by markdown_text, reads as written in Streamlit itself, whose Markdown
has more than CommonMark: emoji and icon shortcodes (":smile:", ":material/home:"), its logo (":streamlit:"),
coloured text and badges (":red[...]"), directives (":name{...}"), maths, tables and web addresses. Each sample
is also drawn unescaped, so that the test can fail: every one of them is markup there."""

from __future__ import annotations

import json

import pytest
from browser import streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

SAMPLES = [
    ":material/check: done",
    ":smile: and :+1: and :100:",
    "made with :streamlit:",
    ":red[All targets met] and :red-badge[Green] and :blue-background[x]",
    ":red{#x .y} gone",
    "# Fake heading",
    "1. listed",
    "- item",
    "text\n\n---\n\nmore",
    "[click here](https://evil.example/login)",
    "![x](https://evil.example/p.png)",
    "<https://evil.example/login>",
    "$x^2$ and $$y$$",
    "~~struck~~ and *em* and __strong__",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quoted",
    "back\\`[click](https://evil.example)` slash",
    "&amp; &#60;i&#62;",
    "Intro\r# Heading\r- item",
    "Title\r\n===\r\nbody",
    "before\n\n::leafname\n\nafter",
    ":::warning\nhidden\n:::",
]
KEEP = [
    "Reduce harm #",
    "10:30 and A&E on 1.5 and #1",
    "Chatham Central & Brompton: 12% (2024/25)",
    "jo_bloggs C:\\Users\\new",
]

APP = """
import json, sys
import streamlit as st
from csp_data.markdown import markdown_text, markdown_text_keeping_code
samples = json.loads({samples!r})
for n, text in enumerate(samples):
    with st.container(key=f"escaped-{{n}}"):
        st.markdown(markdown_text_keeping_code(text) if "`" in text else markdown_text(text))
    with st.container(key=f"raw-{{n}}"):
        st.markdown(text)
"""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, chromium):
    script = tmp_path_factory.mktemp("markdown") / "escape_app.py"
    script.write_text(APP.format(samples=json.dumps(SAMPLES + KEEP)), encoding="utf-8")
    with streamlit_server(script=script) as url:
        page = chromium.new_page(viewport={"width": 1000, "height": 3000})
        page.goto(url)
        wait_until_idle(page)
        found = {}
        for n in range(len(SAMPLES + KEEP)):
            for kind in ("escaped", "raw"):
                box = page.locator(f".st-key-{kind}-{n} [data-testid='stMarkdownContainer']")
                found[kind, n] = box.evaluate(
                    """e => ({
                        text: e.innerText,
                        // a bare web address stays a link to itself (what it says is where it goes): not markup
                        markup: [...e.querySelectorAll('a, img, svg, h1, h2, h3, ol, ul, li, hr, table, code, em, '
                            + 'strong, del, blockquote, .katex, span[role=img], span[style], span[class]')]
                            .filter(x => !(x.tagName === 'A' && x.textContent.trim() === decodeURI(x.getAttribute('href'))))
                            .map(x => x.tagName.toLowerCase()),
                    })"""
                )
        page.close()
        yield found


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("n", range(len(SAMPLES)), ids=[s[:30] for s in SAMPLES])
def test_markup_shows_as_written(drawn, n):
    escaped, raw = drawn["escaped", n], drawn["raw", n]
    assert raw["markup"] or plain(raw["text"]) != plain(SAMPLES[n]), "the sample is not markup in Streamlit"
    text = SAMPLES[n]
    if "`" in text:  # a code span stays one: its text as written, drawn as code
        assert escaped["markup"] == ["code"]
        text = text.replace("`", "")
    else:
        assert escaped["markup"] == []
    assert plain(escaped["text"]) == plain(text)


@pytest.mark.parametrize("n", range(len(KEEP)), ids=KEEP)
def test_ordinary_text_is_drawn_as_it_is(drawn, n):
    escaped = drawn["escaped", len(SAMPLES) + n]
    assert escaped["markup"] == [] and plain(escaped["text"]) == plain(KEEP[n])
