# Two commands set everything up on a fresh machine (Python 3.11, git, make; root for Debian packages):
#   make run    start the dashboard on the embedded Medway data (http://localhost:8501)
#   make test   run the whole test suite (unit, SQL, AppTest and headless-Chromium browser tests)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup chromium run test test-fast lint format screenshots embedded-data bench nginx serve

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	-$(PY) -m deploy.precompress  # gzip the front end once for nginx; a failure only means nginx compresses it itself
	touch $(STAMP)

setup: $(STAMP)

# Browser tests use Debian's Chromium (Playwright cannot download its own browser here); the store's
# crash tests deliver signals at exact system calls with strace; the scrutiny pack's tests read its PDF
# with poppler-utils (pdftotext, pdfinfo) and its type is Liberation Sans (fonts-liberation).
chromium:
	@{ command -v chromium && command -v strace && command -v pdftotext; } >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium fonts-liberation strace poppler-utils; }

# `make serve` and the deployment tests (tests/deploy/) run Debian's nginx as the current user; openssl makes
# the TLS test's throwaway certificate.
nginx:
	@{ { command -v nginx || test -x /usr/sbin/nginx; } && command -v openssl; } >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends nginx openssl; }

run: setup
	$(PY) -m streamlit run app.py

# The dashboard as it is hosted, on loopback: nginx on http://127.0.0.1:8080 in front of two replicas of
# app.py, with sticky sessions and the site's headers and limits (deploy/README.md). Ctrl-C stops it.
serve: setup nginx
	$(PY) deploy/serve.py

test: setup chromium nginx lint
	$(PY) -m pytest

# Style: ruff's linter and formatter (configured in pyproject.toml); `make format` applies them.
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The inner loop: everything but the browser tests and the slow crash, memory and property tests.
test-fast: setup lint
	$(PY) -m pytest -m "not slow and not browser"

screenshots: setup chromium
	$(PY) tests/browser/screenshots.py build/screenshots

# Rebuild data/medway (boundaries, population, 2025 incidents) from ../shared/data/raw.
embedded-data: setup
	$(PY) -m csp_data build-embedded
