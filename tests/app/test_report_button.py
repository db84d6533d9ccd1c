"""AppTest: the sidebar's "Scrutiny pack" section — built only when asked, then offered as a download; its
errors as a message in the sidebar, with the page going on."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

import csp_data.report
from csp_data.errors import CspDataError
from csp_data.ui.report import READY_KEY, pack_bytes
from helpers import ROOT, medway_area_text

APP = str(ROOT / "app.py")
BUTTON = "report_prepare"


@pytest.fixture(autouse=True)
def empty_cache():
    pack_bytes.clear()  # AppTest runs in this process: a pack cached by another test would hide a build
    yield
    pack_bytes.clear()


@pytest.fixture
def builds(monkeypatch):
    """Counts the packs built (the real build runs)."""
    calls = []
    real = csp_data.report.build_pack

    def counted(*args, **kwargs):
        calls.append(args[2])  # the period
        return real(*args, **kwargs)

    monkeypatch.setattr(csp_data.report, "build_pack", counted)
    return calls


def run_app(**widget_state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in widget_state.items():
        at.session_state[key] = value
    return at.run()


def pack_downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if "scrutiny pack" in b.proto.label]


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True)
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.mark.slow
def test_the_button_builds_the_pdf_once_and_offers_it(builds):
    at = run_app()
    assert not at.exception
    assert "Scrutiny pack" in [h.value for h in at.sidebar.header]
    assert at.sidebar.button(key=BUTTON).label == "Prepare the scrutiny pack"
    at.run()  # ordinary reruns build nothing
    assert builds == [] and pack_downloads(at) == []

    at.sidebar.button(key=BUTTON).click().run()
    assert not at.exception and not at.error
    assert pack_downloads(at) == ["Download the scrutiny pack (PDF)"]
    assert len(builds) == 1
    # Said as a status message (role="status"), as the focus stays on the button (WCAG 4.1.3); once.
    ready = "The scrutiny pack is ready: download it with the button below."
    assert [s.value for s in at.sidebar.success] == [ready]
    period = at.session_state["period"]
    key, data = at.session_state[READY_KEY]
    assert key[3:7] == (period.first, period.last, period.label, "pdf")
    assert data.startswith(b"%PDF-")
    # The figures are the Overview page's, for the period chosen in the sidebar.
    crimes = next(m.value for m in at.metric if m.label == "Crimes recorded")
    text = pdf_text(data)
    assert f"police recorded {crimes} crimes in Medway" in text
    assert period.span_label in text

    at.run()  # the download stays, and nothing is built again
    assert pack_downloads(at) == ["Download the scrutiny pack (PDF)"] and len(builds) == 1
    assert not at.sidebar.success

    again = run_app()  # another session asking for the same pack is served from the cache
    again.sidebar.button(key=BUTTON).click().run()
    assert pack_downloads(again) == ["Download the scrutiny pack (PDF)"] and len(builds) == 1


@pytest.mark.slow
def test_a_plan_edited_after_a_pack_is_in_the_next_pack(builds, tmp_path, monkeypatch):
    """The cached pack is keyed by the plan file too: a plan edited on the staff page (or by hand) is in the
    next pack asked for, in any session."""
    plans = tmp_path / "plans.yaml"
    shutil.copy(ROOT / "data" / "medway" / "plans" / "plans.yaml", plans)
    text = medway_area_text(plans)
    (tmp_path / "area.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(tmp_path / "area.toml"))
    at = run_app()
    at.sidebar.button(key=BUTTON).click().run()
    assert not at.exception and not at.error and len(builds) == 1
    assert "Tackle Anti-Social Behaviour" in pdf_text(at.session_state[READY_KEY][1])
    plans.write_text(
        plans.read_text(encoding="utf-8").replace("Tackle Anti-Social Behaviour", "Tackle nuisance and ASB together"),
        encoding="utf-8",
    )
    again = run_app()
    again.sidebar.button(key=BUTTON).click().run()
    assert not again.exception and not again.error and len(builds) == 2
    assert "Tackle nuisance and ASB together" in pdf_text(again.session_state[READY_KEY][1])


@pytest.mark.slow
def test_the_word_document(builds):
    at = run_app(report_format="Word (DOCX)")
    assert pack_downloads(at) == []
    at.sidebar.button(key=BUTTON).click().run()
    assert not at.exception and not at.error
    assert pack_downloads(at) == ["Download the scrutiny pack (Word (DOCX))"]
    _, data = at.session_state[READY_KEY]
    assert zipfile.is_zipfile(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "Community safety scrutiny pack" in archive.read("word/document.xml").decode("utf-8")


@pytest.mark.slow
def test_another_period_hides_the_pack_made_for_the_last(builds):
    at = run_app()
    at.sidebar.button(key=BUTTON).click().run()
    assert pack_downloads(at) == ["Download the scrutiny pack (PDF)"]
    # The pack in the session was made for another period: it is not offered for this one.
    at = run_app(period_kind="Financial year (April to March)", report_ready=at.session_state[READY_KEY])
    assert not at.exception
    assert pack_downloads(at) == []
    assert any("briefing of financial year 2025/26 (Apr 2025 to Mar 2026)" in c.value for c in at.sidebar.caption), [
        c.value for c in at.sidebar.caption
    ]
    assert len(builds) == 1


def test_a_failure_is_a_message_in_the_sidebar_and_the_page_goes_on(monkeypatch):
    def broken(*args, **kwargs):
        raise CspDataError("the plan file cannot be read: plans.yaml, line 3: bad indentation")

    monkeypatch.setattr(csp_data.report, "build_pack", broken)
    at = run_app()
    at.sidebar.button(key=BUTTON).click().run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and errors[0].startswith("the plan file cannot be read: plans.yaml, line 3")
    assert "Try again, or choose another period" in errors[0] and "python -m" not in errors[0]
    assert pack_downloads(at) == []
    assert any(m.label == "Crimes recorded" for m in at.metric)  # the Overview page is still shown


def test_an_unexpected_failure_shows_no_internals(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path: boom")

    monkeypatch.setattr(csp_data.report, "render_pack", broken)
    monkeypatch.setattr(csp_data.report, "build_pack", lambda *a, **k: None)
    at = run_app()
    at.sidebar.button(key=BUTTON).click().run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "Something went wrong" in errors[0] and "/srv/secret" not in errors[0]
