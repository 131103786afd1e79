"""Generic browser fixtures: a real headless Chromium (Debian's) driven by Playwright.

Playwright cannot download browsers here, so tests launch /usr/bin/chromium; they
skip with the reason when it (or the playwright package) is missing. ``watched_page``
records what a page test must check: console errors, uncaught page errors, failed
requests and HTTP error responses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class PageProblems:
    """Everything that went wrong on a page, as readable lines."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests + self.error_responses


@dataclass
class WatchedPage:
    page: Any  # playwright.sync_api.Page
    problems: PageProblems


@pytest.fixture
def watched_page(chromium: Any) -> Iterator[WatchedPage]:
    """A fresh page in its own context that records console errors and failed requests."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda m: problems.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.page_errors.append(str(e)))
    page.on("request", lambda r: problems.requests.append(r.url))
    page.on("requestfailed", lambda r: problems.failed_requests.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: problems.error_responses.append(f"{r.url}: {r.status}") if r.status >= 400 else None)
    try:
        yield WatchedPage(page, problems)
    finally:
        context.close()
