"""bench/load.py, the capacity benchmark: a short run through nginx, and where it refuses to send load."""

from __future__ import annotations

import pytest

from bench import load


@pytest.mark.slow
def test_a_short_run_through_nginx_finishes_with_no_errors(stack):
    result = load.main(
        ["--url", stack.url, "--sessions", "3", "--interval", "4", "--duration", "12", "--timeout", "120"]
    )
    overall = result["overall"]
    assert overall["errors"] == 0, overall["error_kinds"]
    assert overall["interactions"] >= 3  # each session at least arrives on a page
    assert 0 < overall["p50_s"] <= overall["p95_s"] <= overall["max_s"]
    assert sum(page["n"] for page in overall["by_page"].values()) == overall["interactions"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org:8080",
        "http://127.0.0.1:8080@example.org",
        "http://127.0.0.1.example.org:8080",
        "http://user:pass@127.0.0.1:8080",
        "https://127.0.0.1:8080",
        "ws://127.0.0.1:8080",
        "http://127.0.0.1:8080/elsewhere",
        "http://127.0.0.1:port",
        "http://10.0.0.1:8080",
    ],
)
def test_load_goes_to_loopback_only(url, capsys):
    with pytest.raises(SystemExit) as refused:
        load.main(["--url", url, "--quick"])
    assert refused.value.code == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:8080"])
def test_loopback_urls_are_accepted(url):
    assert load.is_loopback_url(url)


def test_percentiles_are_numpy_s_linear_ones():
    assert load.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == 4.8  # 1 + 0.95 × 4
    assert load.percentile([2.5], 0.5) == 2.5
