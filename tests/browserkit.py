"""What the browser tests share: Debian's Chromium through Playwright, and a quiet local HTTP server.

They run in CI (CI=true: a missing Chromium or Playwright fails the test there); elsewhere they skip with the
reason. (``tests/conftest.py`` puts this folder on ``sys.path``.)"""

from __future__ import annotations

import os
import shutil
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NOTEDECK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_browser() -> None:
    """Skip (or, in CI, fail) unless Chromium and Playwright are installed."""
    problem = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is not installed (pip install playwright)"
    if problem:
        if IN_CI:
            pytest.fail(f"browser test must run in CI: {problem}")
        pytest.skip(problem)


class Quiet(SimpleHTTPRequestHandler):
    """A static file server that does not log each request."""

    def log_message(self, *args) -> None:
        pass
