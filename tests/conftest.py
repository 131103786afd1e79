"""Root of the test suite.

Shared helpers live in the ``tests.support`` package (see its docstring); pytest runs with
``--import-mode=importlib`` and the repository root on ``sys.path`` (pyproject.toml), so no test
folder is put on ``sys.path``.

The one headless Chromium (``chromium``) is a session fixture here, at the root: Playwright's
sync API keeps an event loop marked running in the main thread while it is open, so the browser
tests of every folder share it rather than start a second one (which Playwright refuses).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("SASCI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session (skips cleanly if it cannot run here)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install.sh --test does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
