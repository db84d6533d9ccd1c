"""WCAG 2.2 AA in a real browser (issue 14): axe-core on every page, titles and headings, chart text,
and a keyboard-only walk in which every control is reached and shows a focus indicator that can be seen.

axe-core is the copy bundled in the PyPI package ``axe-playwright-python`` (installed from
requirements.txt; nothing is downloaded at test time). It is injected into each page and run on the
whole document with the WCAG 2.0, 2.1 and 2.2 level A and AA rules. Streamlit scrolls its main area,
not the page, and axe cannot judge the contrast of text scrolled out of that area, so each page is
scanned with the window as tall as the main area's content.

Nothing is excluded from the scan: the framework's own markup (sidebar, toolbar, menus, data grids,
maps) passes the same rules, so any violation fails the test, whoever caused it. axe cannot judge
text inside a chart's SVG (it reports it as "incomplete"), so the charts' axis, legend and title text
is checked here separately.

The unit tests at the end check the colours themselves (palettes and chart theme) without a browser.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from browser import wait_until_idle
from PIL import Image

from csp_data.charts.colours import (
    AREA_COLOUR,
    ASB_COLOUR,
    CATEGORY_COLOURS,
    CONTEXT_COLOUR,
    CRIME_COLOUR,
    POSITION_COLOURS,
    contrast_ratio,
)

SITE = "Medway Community Safety"
#: Each page's title in the navigation, and its URL path.
PAGES = {
    "Overview": "",
    "Ward map": "ward_map",
    "Hotspots": "hotspots",
    "Seasonality and trends": "seasonality",
    "Priorities and progress": "priorities",
    "Residents’ survey": "survey",
    "Benchmarking": "benchmarking",
    "Data and methods": "data_sources",
    "Glossary": "glossary",
    "Accessibility": "accessibility",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTH, HEIGHT = 1440, 1000
PROFILE_WARD = "Gillingham South"
#: Text needs 4.5:1 (WCAG 1.4.3); focus indicators and other graphics 3:1 (1.4.11, 2.4.13's measure).
TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0
#: A walk that has not come back to its start after this many presses of Tab is stuck.
MAX_TABS = 700


# -- helpers ----------------------------------------------------------------------------------------


def css_hex(colour: str) -> tuple[str, float]:
    """'rgb(11, 12, 12)' or 'rgba(0, 114, 178, 0.5)' -> ('#0b0c0c', alpha)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    if len(numbers) < 3:
        raise ValueError(f"not an rgb() colour: {colour!r}")
    red, green, blue = (round(n) for n in numbers[:3])
    return f"#{red:02x}{green:02x}{blue:02x}", numbers[3] if len(numbers) > 3 else 1.0


def over(colour: str, alpha: float, background: str) -> str:
    """``colour`` at ``alpha`` drawn over an opaque ``background`` ('#rrggbb' both)."""
    top, bottom = (int(colour[i : i + 2], 16) for i in (1, 3, 5)), (int(background[i : i + 2], 16) for i in (1, 3, 5))
    mixed = [round(alpha * t + (1 - alpha) * b) for t, b in zip(top, bottom)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def open_full_height(page, url: str) -> None:
    """Open ``url`` and make the window as tall as the main area's content (Streamlit scrolls that area)."""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(url)
    wait_until_idle(page)
    stretch_to_content(page)


def stretch_to_content(page) -> None:
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": int(height) + 50})
    wait_until_idle(page, quiet_ms=1000)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG A/AA violations on the whole page, one readable line per element."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations", "incomplete"]},
    )
    problems = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            message = (node["any"] + node["all"] + node["none"] or [{"message": ""}])[0]["message"]
            problems.append(f"{rule['id']} ({rule['impact']}): {node['html'][:160]} -> {message}")
    # Text axe could not judge because something seemed to lie over it is not a pass: the full-height
    # window is there to prevent exactly that (text inside charts' SVG is checked by chart_text_problems).
    for rule in results["incomplete"]:
        for node in rule["nodes"]:
            reasons = [check.get("data") or {} for check in node["any"]]
            if rule["id"] == "color-contrast" and any(r.get("messageKey") == "bgOverlap" for r in reasons):
                if not node["html"].startswith("<text"):
                    problems.append(f"color-contrast not judged (overlapped): {node['html'][:160]}")
    return problems


def heading_problems(page) -> list[str]:
    """One h1, the page's own, first in the main area; no level skipped on the way down."""
    headings = page.evaluate(
        """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
             .filter(h => h.getClientRects().length > 0)
             .map(h => ({level: Number(h.tagName[1]), text: h.innerText.trim().slice(0, 60),
                         main: !!h.closest('[data-testid=stMain]')}))"""
    )
    problems = []
    h1 = [h for h in headings if h["level"] == 1]
    if len(h1) != 1 or not h1[0]["main"]:
        problems.append(f"expected one h1, in the main area; found {[(h['text'], h['main']) for h in h1]}")
    for region in (True, False):
        levels = [h for h in headings if h["main"] is region]
        if region and levels and levels[0]["level"] != 1:
            problems.append(f"the main area starts with h{levels[0]['level']} {levels[0]['text']!r}, not the h1")
        for before, after in zip(levels, levels[1:]):
            if after["level"] > before["level"] + 1:
                problems.append(f"h{before['level']} {before['text']!r} -> h{after['level']} {after['text']!r}")
    return problems


def chart_text_problems(page) -> tuple[list[str], int]:
    """Axis, legend, header and title text of every chart: 4.5:1 on the chart's white background.

    Returns the problems and how many pieces of chart text were checked."""
    fills = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '[data-testid=stVegaLiteChart] svg g:is(.role-axis-label, .role-axis-title, .role-legend-label,'
              + ' .role-legend-title, .role-title-text, .role-header-label, .role-header-title) text'))
             .map(t => [getComputedStyle(t).fill, Number(getComputedStyle(t).fillOpacity), t.textContent])"""
    )
    problems = []
    for fill, alpha, text in fills:
        colour, fill_alpha = css_hex(fill)
        shown = over(colour, alpha * fill_alpha, "#ffffff")
        ratio = contrast_ratio(shown, "#ffffff")
        if ratio < TEXT_CONTRAST:
            problems.append(f"chart text {text!r} in {shown}: {ratio:.2f}:1")
    return problems, len(fills)


def open_ward_profile(page, ward: str) -> None:
    """Choose a ward in the Ward map's profile box (typing its name) and wait for its profile."""
    box = page.get_by_role("combobox", name=re.compile("^Ward profile"))
    box.click()
    box.fill(ward)
    page.get_by_role("option", name=ward, exact=True).click()
    wait_until_idle(page)
    page.locator("h3", has_text=ward).wait_for(state="visible", timeout=30000)


# -- axe, titles and headings -------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_passes_axe_with_one_h1_ordered_headings_and_its_own_title(server_url, chromium):
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    problems: dict[str, list[str]] = {}
    titles = {}
    chart_texts = {}
    for name, path in PAGES.items():
        open_full_height(page, f"{server_url}/{path}")
        assert page.query_selector("[data-testid=stMain] h1"), f"{name}: the page did not draw"
        titles[name] = page.title()
        chart_problems, chart_texts[name] = chart_text_problems(page)
        problems[name] = axe_violations(page) + heading_problems(page) + chart_problems
    open_full_height(page, f"{server_url}/ward_map")
    open_ward_profile(page, PROFILE_WARD)
    stretch_to_content(page)
    chart_problems, chart_texts["Ward map with a profile"] = chart_text_problems(page)
    problems["Ward map with a profile"] = axe_violations(page) + heading_problems(page) + chart_problems
    page.close()

    found = {name: lines for name, lines in problems.items() if lines}
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
    assert titles == {name: f"{name} – {SITE}" for name in PAGES}
    # The chart-text check found the charts' text (so it can fail): Overview, Seasonality and the profile.
    assert (
        min(chart_texts["Overview"], chart_texts["Seasonality and trends"], chart_texts["Ward map with a profile"]) > 20
    )


@pytest.mark.browser
def test_the_title_follows_the_page_when_moving_through_the_sidebar(server_url, chromium):
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(server_url)
    wait_until_idle(page)
    # Moving without reloading (the test above opens each page by its address): the quick pages will do.
    for name in ("Accessibility", "Data and methods", "Overview"):
        page.locator("[data-testid=stSidebarNav] a", has_text=name).click()
        wait_until_idle(page)
        page.wait_for_function("title => document.title === title", arg=f"{name} – {SITE}", timeout=10000)
    page.close()


# -- the keyboard walk --------------------------------------------------------------------------------

#: At each stop: the focused element, the element that shows its focus (a hidden radio, checkbox or
#: toggle input shows it on its label; a select box's text input on the whole box; a table's canvas,
#: scroller or cells on the table, round which the app draws its ring while the grid marks the cell),
#: and that element's outline and box shadow with focus and, after a blur, without it.
#: A control's key: its tag, test id and place among its kind. A table is one control, whichever of
#: its parts (canvas, scroller, the cells screen readers use) takes the focus.
CONTROL_KEY = """(e) => {
  e = e.closest('[data-testid=stDataFrameResizable]') || e;
  const tag = e.tagName.toLowerCase(), testid = e.dataset.testid || '';
  const same = Array.from(document.querySelectorAll(tag)).filter(x => (x.dataset.testid || '') === testid);
  return tag + '|' + testid + '|' + same.indexOf(e);
}"""

FOCUS_STOP = (
    """() => {
  const controlKey = """
    + CONTROL_KEY
    + """;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  document.getAnimations().forEach(a => { try { a.finish(); } catch (e) {} });  // fades end where they go
  // Each control is numbered when first reached, by a key that survives the framework drawing it
  // again: back at number 0, the walk has come round.
  window.cspReached = window.cspReached || [];
  const seen = window.cspReached.indexOf(controlKey(el));
  if (seen < 0) window.cspReached.push(controlKey(el));
  let shown = el;
  if (el.matches('input[type=radio], input[type=checkbox]')) shown = el.closest('label') || el;
  else if (el.matches('input') && el.parentElement.matches('[role=group]')) shown = el.parentElement;
  else if (el.closest('[data-testid=stDataFrameResizable]')) shown = el.closest('[data-testid=stDataFrameResizable]');
  const style = () => { const s = getComputedStyle(shown);
    return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), outlineColor: s.outlineColor,
            boxShadow: s.boxShadow}; };
  // The colour behind the indicator: the ancestors' backgrounds composited down to the first opaque one.
  const layers = [];
  for (let p = shown.parentElement; p; p = p.parentElement) {
    const [r, g, b, a = 1] = (getComputedStyle(p).backgroundColor.match(/[0-9.]+/g) || []).map(Number);
    if (a > 0) layers.push([r, g, b, a]);
    if (a === 1) break;
  }
  let mixed = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) mixed = [r, g, b].map((c, i) => a * c + (1 - a) * mixed[i]);
  const background = 'rgb(' + mixed.map(Math.round).join(', ') + ')';
  const focused = style();
  // Seen at all: not faded out (a toolbar at opacity 0), the ring not cut off by a parent that clips
  // what overflows it, and the control not wholly under something else (the app's fixed header).
  let opacity = 1, clippedBy = null, scrolled = false;
  const box = shown.getBoundingClientRect(), s = getComputedStyle(shown);
  const reach = Math.max(0, parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth));
  for (let p = shown; p; p = p.parentElement) {
    const ps = getComputedStyle(p);
    opacity *= Number(ps.opacity);
    // Only a parent that cuts off what overflows it, inside the nearest one that scrolls (the main
    // area): those outside it cut off only what is scrolled out of view, which the browser scrolled to.
    const clips = [ps.overflowX, ps.overflowY].some(o => o === 'hidden' || o === 'clip');
    if (p !== shown && [ps.overflowX, ps.overflowY].some(o => o === 'auto' || o === 'scroll')) scrolled = true;
    if (p !== shown && clips && !scrolled) {
      const r = p.getBoundingClientRect();
      const inside = box.left - reach >= r.left + p.clientLeft - 0.5 && box.top - reach >= r.top + p.clientTop - 0.5
        && box.left + box.width + reach <= r.left + p.clientLeft + p.clientWidth + 0.5
        && box.top + box.height + reach <= r.top + p.clientTop + p.clientHeight + 0.5;
      if (!inside && !clippedBy) clippedBy = (p.dataset.testid || p.className.toString()).slice(0, 40);
    }
  }
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  const obscured = points.every(([fx, fy]) => {
    const top = document.elementFromPoint(box.left + fx * box.width, box.top + fy * box.height);
    return !top || !(shown.contains(top) || top.contains(shown));
  });
  el.blur();
  document.getAnimations().forEach(a => { try { a.finish(); } catch (e) {} });
  const unfocused = style();
  el.focus({preventScroll: true});
  const text = el.getAttribute('aria-label') || (shown === el ? el.innerText || el.value : shown.innerText) || '';
  const label = text.trim().split('\\n').pop().slice(0, 60);
  const group = el.closest('[role=radiogroup]');
  return {seen, focused, unfocused, background, opacity, clippedBy, obscured, label,
          testid: el.dataset.testid || el.className.toString().slice(0, 40), tag: el.tagName.toLowerCase(),
          group: group ? group.getAttribute('aria-label') : null, back: document.activeElement === el,
          table: !!el.closest('[data-testid=stDataFrameResizable], .csp-table[role=region]')};
}"""
)

#: Every control a keyboard user can reach: focusable, shown, not disabled and not left out of the
#: tab order (tabindex -1: the other options of a radio group, reached with the arrow keys).
CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex], canvas"
UNREACHED = (
    """() => { const controlKey = """
    + CONTROL_KEY
    + """;
  return Array.from(document.querySelectorAll('"""
    + CONTROLS
    + """'))
  .filter(e => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({visibilityProperty: true})
               && !e.closest('[inert], [aria-hidden=true]'))
  .filter(e => !(window.cspReached || []).includes(controlKey(e)))
  .map(e => e.tagName.toLowerCase() + ' ' + (e.dataset.testid || '') + ' '
       + (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60)); }"""
)


def indicator(style: dict, background: str) -> float:
    """The best contrast against ``background`` of an outline or box shadow at least 2 px wide; 0 if none."""
    best = 0.0
    if style["outlineStyle"] not in ("none", "hidden") and style["outlineWidth"] >= 2:
        colour, alpha = css_hex(style["outlineColor"])
        best = contrast_ratio(over(colour, alpha, background), background)
    for shadow in re.split(r",(?![^(]*\))", style["boxShadow"]) if style["boxShadow"] != "none" else []:
        colour = re.search(r"rgba?\([^)]*\)", shadow)
        lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", shadow)]
        if colour and len(lengths) == 4 and lengths[3] >= 2 and "inset" not in shadow:
            hex_colour, alpha = css_hex(colour.group())
            best = max(best, contrast_ratio(over(hex_colour, alpha, background), background))
    return best


def wait_for_controls(page, timeout_ms: int = 30000) -> None:
    """Wait until the page's controls have all been drawn (tables and charts come after the script run)."""
    counts: list[int] = []
    for _ in range(timeout_ms // 500):
        counts.append(page.evaluate(f"document.querySelectorAll({CONTROLS!r}).length"))
        if len(counts) >= 4 and len(set(counts[-4:])) == 1:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the page's controls kept changing: {counts[-8:]}")


def keyboard_walk(page) -> tuple[list[dict], list[str]]:
    """Tab from the top of the page until focus comes back round; each stop, and the controls never reached."""
    wait_for_controls(page)
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP)
        if stop is None or stop["seen"] > 0:
            continue  # the page itself, or a control that takes several presses (a table moves by cell)
        if stop["seen"] == 0:
            break
        stops.append(stop)
    else:
        raise AssertionError(f"focus did not come back to the start after {MAX_TABS} presses of Tab")
    return stops, page.evaluate(UNREACHED)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_keyboard_walk_reaches_every_control_with_a_visible_focus(server_url, chromium, name):
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{server_url}/{PAGES[name]}")
    wait_until_idle(page)
    stops, unreached = keyboard_walk(page)

    faint = []
    for stop in stops:
        background = css_hex(stop["background"])[0]
        strength = indicator(stop["focused"], background)
        hidden = stop["opacity"] < 0.9 or stop["clippedBy"] or stop["obscured"]
        if strength < GRAPHIC_CONTRAST or stop["focused"] == stop["unfocused"] or not stop["back"] or hidden:
            faint.append(
                f"{stop['tag']} {stop['testid']} {stop['label']!r}: indicator {strength:.2f}:1 on {background}, "
                f"opacity {stop['opacity']:.2f}, clipped by {stop['clippedBy']}, obscured {stop['obscured']}; "
                f"focused {stop['focused']}, unfocused {stop['unfocused']}, focus kept {stop['back']}"
            )
    assert not faint, f"{name}: focus not visible on\n  " + "\n  ".join(faint)
    assert not unreached, f"{name}: never reached by Tab:\n  " + "\n  ".join(unreached)

    # The main controls are among the stops: the skip link, every page of the navigation, the period.
    labels = {stop["label"] for stop in stops}
    assert "Skip to main content" in labels
    assert {stop["label"] for stop in stops if stop["testid"] == "stSidebarNavLink"} == set(PAGES)
    groups = {stop["group"] for stop in stops}
    assert "Show" in groups  # the period: latest 12 months, financial or calendar year, custom months
    if name == "Ward map":
        assert {"Crime type or ASB", "Ward profile: choose a ward (or click one on the map)"} <= labels
        assert {"Measure", "Wards"} <= groups
        assert "Street basemap (loaded from CARTO, needs internet)" in labels
        assert any(stop["table"] for stop in stops)  # the table of every ward: its region scrolls by keyboard
    page.close()


@pytest.mark.browser
def test_a_charts_toolbar_reached_by_keyboard_shows_its_icons(server_url, chromium):
    """Tab to the first chart's toolbar: its buttons' icons are drawn, as under the mouse. The framework left the
    toolbar beneath the chart it overlaps while only the keyboard's focus was in it: a focus ring round a blank
    square. Checked on the pixels, since the chart covering it takes no pointer events (elementFromPoint still
    finds the icon)."""
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{server_url}/")
    wait_until_idle(page)
    wait_for_controls(page)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-testid=stElementToolbar]')"):
            break
    else:
        raise AssertionError("Tab never reached a chart's toolbar")
    page.wait_for_timeout(500)  # the toolbar fades in
    box = page.evaluate(
        "() => { const r = document.activeElement.querySelector('svg').getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
    )
    picture = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L")
    dark = sum(1 for value in picture.getdata() if value < 160)
    assert dark >= 10, f"the focused toolbar button's icon is not drawn ({dark} dark pixels in {box})"
    page.close()


NARROW_FOCUS = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const e = focused.closest('label') || focused;  // a radio's input is hidden: the label the user sees shows it
  const r = e.getBoundingClientRect();
  if (r.width <= 2 || r.height <= 2) return {label: e.tagName, tiny: true};
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const seen = r.left >= 0 && r.right <= innerWidth && !!hit && (hit === e || e.contains(hit) || hit.contains(e));
  return {label: (e.getAttribute('aria-label') || e.textContent || e.tagName).trim().slice(0, 60), seen, tiny: false};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("width", "scale"), [(390, 1), (640, 2)])  # a phone; 1280 px at 200% zoom
def test_on_a_narrow_screen_focus_never_goes_where_it_cannot_be_seen(server_url, chromium, width, scale):
    """The collapsed sidebar is out of the Tab order; the page behind the open sidebar is too."""
    page = chromium.new_page(viewport={"width": width, "height": 844}, device_scale_factor=scale)
    page.goto(server_url)
    wait_until_idle(page)
    before = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stop = page.evaluate(NARROW_FOCUS)
        before.append(stop)
        if stop and stop["label"] == "Expand sidebar":
            break
    assert before[-1]["label"] == "Expand sidebar" and len(before) <= 2, before
    assert all(stop["seen"] for stop in before if stop and not stop["tiny"]), before
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    after = []
    for _ in range(20):
        page.keyboard.press("Tab")
        if (stop := page.evaluate(NARROW_FOCUS)) and not stop["tiny"]:
            after.append(stop)
    hidden = [stop["label"] for stop in after if not stop["seen"]]
    assert not hidden, f"focused but covered or off the screen: {hidden}"
    assert {"insightsOverview", "mapWard map"} <= {stop["label"] for stop in after}
    # The way back: the open sidebar's Collapse button is reached by Tab (at 640 px it was hidden until the
    # pointer went over the sidebar, and the page behind stayed hidden: a keyboard trap), and closes it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if (stop := page.evaluate(NARROW_FOCUS)) and stop["label"] == "Collapse sidebar":
            break
    else:
        raise AssertionError("the open sidebar's Collapse sidebar button is never reached by Tab")
    assert stop["seen"], stop
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    stops, in_page = [], False
    for _ in range(10):
        page.keyboard.press("Tab")
        if (stop := page.evaluate(NARROW_FOCUS)) and not stop["tiny"]:
            stops.append(stop)
        in_page = in_page or page.evaluate("() => !!document.activeElement.closest('[data-testid=stMain]')")
    assert in_page, f"Tab never reached the page after the sidebar closed: {stops}"
    page.close()


UNDER_HEADER = """() => {
  const e = document.activeElement, header = document.querySelector('[data-testid=stHeader]');
  if (!e || !header || e.matches('[data-testid=stMain]') || !e.closest('[data-testid=stMain]')) return null;
  const r = e.getBoundingClientRect();
  return {label: (e.getAttribute('aria-label') || e.textContent || e.tagName).slice(0, 40), top: r.top,
          bottom: r.bottom, header: header.getBoundingClientRect().bottom};
}"""


@pytest.mark.browser
def test_tab_never_leaves_focus_behind_the_fixed_header(server_url, chromium):
    """WCAG 2.4.11: moving up from the left column's last button to the right column's heading link scrolled
    that link to the very top of the main area, under the 60 px header, where neither it nor its ring showed."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server_url)
    wait_until_idle(page)
    stops = []
    for _ in range(90):
        page.keyboard.press("Tab")
        page.wait_for_timeout(30)
        if stop := page.evaluate(UNDER_HEADER):
            stops.append(stop)
    assert len(stops) > 40 and any(s["label"] == "Link to heading" for s in stops)
    behind = [s for s in stops if s["top"] < s["header"] - 1 and s["bottom"] - s["top"] < 600]
    assert not behind, f"focused under the header: {behind}"
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_partial_figure_is_shown_whole_not_cut_short(server_url, chromium, width):
    """The README's "66.0 in 9 of 12 months" showed as "66.0 in 9 of 12 …" at 1280 px: it wraps instead."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server_url}/?period=2025%2F26")
    wait_until_idle(page)
    values = page.locator('[data-testid="stMetricValue"] > div')  # the box that cut its paragraph short
    shown = [
        values.nth(i).evaluate(
            "e => [e.textContent, e.scrollWidth <= e.clientWidth + 1, e.getBoundingClientRect().width]"
        )
        for i in range(values.count())
    ]
    assert ["66.0 in 9 of 12 months", True] in [s[:2] for s in shown], shown
    assert all(whole for _, whole, _ in shown), shown
    page.close()


CONTROL_EDGES = """() => {
  const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
  return {
    radio: style('[data-testid=stRadioOption]:not([data-selected=true]) > div > div', 'borderTopColor'),
    select: style('[data-testid=stSelectbox] [role=group]', 'borderTopColor'),
    track: style('[data-testid=stCheckbox] label:has(input[role=switch]) > div', 'backgroundColor'),
  };
}"""


@pytest.mark.browser
def test_unchosen_radios_select_boxes_and_switches_show_their_edge_at_3_to_1(server_url, chromium):
    """WCAG 1.4.11: the framework draws them at 1.6:1 (a 20% grey); the theme darkens them."""
    page = chromium.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{server_url}/ward_map")
    wait_until_idle(page)
    for name, colour in page.evaluate(CONTROL_EDGES).items():
        drawn, alpha = css_hex(colour)
        for background in ("#ffffff", "#f8f8f7"):  # the page and the sidebar
            ratio = contrast_ratio(over(drawn, alpha, background), background)
            assert ratio >= GRAPHIC_CONTRAST, f"{name}: {colour} on {background} is {ratio:.2f}:1"
    page.close()


# -- the colours themselves (no browser) -----------------------------------------------------------


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WebAIM's figures: #767676 is the lightest grey with 4.5:1 on white; #777777 just fails.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.005)
    assert contrast_ratio("#777777", "#FFFFFF") < 4.5
    # The failures the audit measured (issue 14).
    assert contrast_ratio("#828180", "#ffffff") == pytest.approx(3.88, abs=0.01)
    assert contrast_ratio("#808495", "#ffffff") == pytest.approx(3.72, abs=0.01)
    with pytest.raises(ValueError):
        contrast_ratio("#12345", "#ffffff")


def test_colours_that_carry_data_are_3_to_1_on_white():
    meaningful = {
        "crime": CRIME_COLOUR,
        "ASB": ASB_COLOUR,
        "area": AREA_COLOUR,
        "context": CONTEXT_COLOUR,
        **{f"category {i}": c for i, c in enumerate(CATEGORY_COLOURS)},
        **{p: c for p, c in POSITION_COLOURS.items() if p != "no rate"},  # "no rate" is an empty, outlined shape
    }
    faint = {name: round(contrast_ratio(c, "#ffffff"), 2) for name, c in meaningful.items()}
    assert all(ratio >= GRAPHIC_CONTRAST for ratio in faint.values()), faint
    assert len(set(CATEGORY_COLOURS)) == len(CATEGORY_COLOURS) == 7


def test_every_chart_is_drawn_with_the_accessible_theme():
    import altair as alt
    import pandas as pd

    from csp_data.charts import monthly_trend_chart, theme

    assert alt.theme.active == theme.THEME_NAME
    monthly = pd.DataFrame(
        {
            "month": [date(2025, 1, 1), date(2025, 2, 1)] * 2,
            "kind": ["crime", "crime", "asb", "asb"],
            "incidents": [10, 12, 3, 4],
            "loaded": [True] * 4,
        }
    )
    config = monthly_trend_chart(monthly)["config"]
    assert config["axis"]["labelColor"] == theme.LABEL_COLOUR and config["legend"]["titleColor"] == theme.TITLE_COLOUR
    for colour in (theme.TITLE_COLOUR, theme.LABEL_COLOUR):
        assert contrast_ratio(colour, "#ffffff") >= TEXT_CONTRAST
    assert contrast_ratio(theme.AXIS_LINE_COLOUR, "#ffffff") >= GRAPHIC_CONTRAST


def test_the_statement_names_the_area_it_is_for_and_no_other():
    from csp_data.config import Contact, load_area
    from csp_data.ui import accessibility, theme

    contact = Contact(team="Safer Swindon", email="safer@example.org", web="https://example.org/safer")
    other = dataclasses.replace(
        load_area(), name="Swindon Community Safety Partnership", short_name="Swindon", contact=contact
    )
    text = " ".join(s.heading + " " + s.text for s in accessibility.statement_sections(other, date(2027, 3, 9)))
    assert "Medway" not in text
    assert (
        "You can reach us:\n\n- **Who:** Safer Swindon\n- **Email:** [safer@example.org](mailto:safer@example.org)\n"
        "- **Online:** [https://example.org/safer](https://example.org/safer)"
    ) in text
    assert "[Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/)" in text
    without = dataclasses.replace(other, contact=None)
    no_contact = " ".join(s.text for s in accessibility.statement_sections(without))
    assert "have not yet added their contact details" in no_contact
    assert "Swindon Community Safety Partnership's own website" in no_contact
    medway = " ".join(s.text for s in accessibility.statement_sections(load_area()))
    assert "- **Telephone:** 01634 333333\n- **Post:** Gun Wharf, Dock Road, Chatham, Kent ME4 4TR" in medway
    assert "Swindon Community Safety dashboard, published by Swindon Community Safety Partnership" in text
    assert "prepared on 9 March 2027" in text and "WCAG" in text and "keyboard" in text
    assert theme.document_title("Ward map", other) == "Ward map – Swindon Community Safety"
    # The site's name goes into the sidebar as HTML: a hostile name is shown, not run.
    hostile = dataclasses.replace(other, short_name='<img src=x onerror="alert(1)"> & Co')
    assert theme.site_name_html(hostile) == (
        '<p class="csp-site-name">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co Community Safety</p>'
    )
