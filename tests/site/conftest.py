"""The built site (_build/html), served on 127.0.0.1 and visited page by page in Debian's Chromium.

`make browser` builds the site first and runs these tests; the plain unit run (`make unit`) leaves them
out. One session-wide crawl visits every page once and records what the tests then check:
requests to other hosts (blocked), console and page errors, failed local requests, MathJax's
rendering, images, links with their targets, and axe-core's accessibility violations.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright
from site_crawl import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    SITE,
    TIMEOUT_MS,
    Crawl,
    QuietHandler,
    crawl_site,
    site_pages,
)

SUMMARY = pytest.StashKey[dict[str, object]]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test that takes `page` once for every page of the built site."""
    if "page" in metafunc.fixturenames:
        # Not built: one placeholder, so the tests fail (through the `origin` fixture), never skip.
        metafunc.parametrize("page", site_pages() or ["(the site is not built)"])


@pytest.fixture(scope="session")
def site_summary(request: pytest.FixtureRequest) -> dict[str, object]:
    """Numbers the tests report at the end of the run (see pytest_terminal_summary)."""
    summary: dict[str, object] = {}
    request.config.stash[SUMMARY] = summary
    return summary


@pytest.fixture(scope="session")
def origin() -> Iterator[str]:
    """Serve _build/html on 127.0.0.1 (a free port) for the whole session; yield its origin."""
    assert (SITE / "index.html").is_file(), f"{SITE} is not built: run `make book` first"
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a browser Playwright downloads)."""
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: see `make prerequisites`"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def crawl(origin: str, browser: Browser, site_summary: dict[str, object]) -> Crawl:
    """Visit every page of the site once, in a fresh browser profile, and record it all."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make browser does)"
    pages = site_pages()
    assert pages, f"no page in {SITE}"
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        result = crawl_site(context, origin, pages)
    finally:
        context.close()
    visits = result.visits.values()
    site_summary["pages"] = len(pages)
    site_summary["external requests"] = sum(len(v.external_requests) for v in visits)
    site_summary["console errors"] = sum(len(v.console_errors) for v in visits)
    site_summary["page errors"] = sum(len(v.page_errors) for v in visits)
    site_summary["failed local requests"] = sum(len(v.failed_requests) for v in visits)
    site_summary["math nodes rendered"] = sum(v.math.get("rendered", 0) for v in visits)
    site_summary["images loaded"] = sum(sum(i["loaded"] for i in v.images) for v in visits)
    site_summary["axe violations (serious or critical)"] = sum(
        v["impact"] in ("serious", "critical") for visit_ in visits for v in visit_.axe_violations
    )
    site_summary["axe violations (any impact)"] = sum(len(v.axe_violations) for v in visits)
    return result


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the site's numbers: pages, heaviest page, and the counts that must be zero."""
    summary = config.stash.get(SUMMARY, None)
    if summary:
        terminalreporter.section("the published site")
        for key, value in summary.items():
            terminalreporter.write_line(f"{key}: {value}")
