"""Serving and visiting the built site: what tests/site/conftest.py and the tests share."""

from __future__ import annotations

import http.server
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Route

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's package (make prerequisites)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


def site_pages() -> list[str]:
    """Every HTML page of the built site, as a path relative to its root (not the theme's fragments)."""
    if not SITE.is_dir():
        return []
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not p.relative_to(SITE).parts[0].startswith("_")
    )


@dataclass
class PageVisit:
    """What one visit of one page recorded."""

    path: str
    final_path: str = ""
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    math: dict[str, int] = field(default_factory=dict)
    images: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    axe_violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def redirected(self) -> bool:
        """Whether the page sent the browser on to another page (the landing page does)."""
        return self.final_path != self.path


@dataclass
class Crawl:
    """Every page's visit, and where the site was served."""

    origin: str
    visits: dict[str, PageVisit]

    def url(self, path: str) -> str:
        """Return the served URL of a page."""
        return f"{self.origin}/{path}"

    def local_path(self, url: str) -> str | None:
        """Return the site path of a URL served here (no fragment), or None for another host."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = parts.path.lstrip("/")
        return f"{path}index.html" if path == "" or path.endswith("/") else path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to the terminal."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


# Run in the page once it has settled: wait for MathJax where there is math, load every image, and
# collect math, images, links and ids.
INSPECT = """async () => {
  const maths = Array.from(document.querySelectorAll("span.math, div.math"));
  if (maths.length) {
    if (!(window.MathJax && window.MathJax.startup)) {
      return {mathjax_missing: true};
    }
    await window.MathJax.startup.promise;
  }
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";  // load what is below the fold too
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  return {
    math: {
      nodes: maths.length,
      rendered: maths.filter((m) => m.querySelector("mjx-container")).length,
      errors: document.querySelectorAll("mjx-merror, [data-mjx-error]").length,
    },
    images: images.map((img) => ({
      src: img.getAttribute("src"),
      url: img.currentSrc || img.src,
      loaded: img.complete && img.naturalWidth > 0,
    })),
    links: Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
    ids: Array.from(document.querySelectorAll("[id], a[name]"), (e) => e.id || e.getAttribute("name")),
  };
}"""

# Started in every page at once (the browser checks them in parallel), then collected: INSPECT, then,
# once MathJax has typeset the page, axe-core (injected beforehand) on the whole document.
START_CHECKS = f"""() => {{
  window.__siteCheck = ({INSPECT})().then(async (found) => {{
    if (found.mathjax_missing) return {{found, axe: []}};
    const results = await axe.run(document, {{resultTypes: ["violations"]}});
    const axeViolations = results.violations.map((v) => ({{
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }}));
    return {{found, axe: axeViolations}};
  }});
}}"""
# A page whose MathJax or axe never finishes must fail its checks, not hang the run.
CHECKS_TIMEOUT_MS = 60_000
COLLECT_CHECKS = f"""() => Promise.race([
  window.__siteCheck,
  new Promise((resolve) => setTimeout(() => resolve({{timed_out: true}}), {CHECKS_TIMEOUT_MS})),
])"""


def open_page(page: Page, crawl: Crawl, path: str) -> PageVisit:
    """Start loading one page, with every request to another host blocked and recorded."""
    record = PageVisit(path)
    host = urlsplit(crawl.origin).netloc

    def route(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            record.external_requests.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    page.route("**/*", route)
    page.on("console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record.page_errors.append(str(e)))
    page.on(
        "response",
        lambda r: record.failed_requests.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.url in record.external_requests
            else record.failed_requests.append(f"{r.failure} {r.url}")
        ),
    )
    page.goto(crawl.url(path), wait_until="commit")
    return record


def settle(page: Page, crawl: Crawl, record: PageVisit) -> None:
    """Wait until the page has loaded and the network is quiet; then start its checks."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    record.final_path = crawl.local_path(page.url) or page.url
    if record.redirected:
        # Leaving a page cancels what it was still loading (its icon, say): that is no failure. The
        # page it went on to is visited on its own.
        record.failed_requests = [f for f in record.failed_requests if not f.startswith("net::ERR_ABORTED")]
        return
    page.add_script_tag(path=str(AXE))
    page.evaluate(START_CHECKS)


def collect(page: Page, record: PageVisit) -> None:
    """Wait for the page's checks and record their results."""
    if record.redirected:
        return
    result = page.evaluate(COLLECT_CHECKS)
    if result.get("timed_out"):
        record.page_errors.append(f"MathJax or axe did not finish within {CHECKS_TIMEOUT_MS / 1000:g} s")
        return
    found = result["found"]
    if found.get("mathjax_missing"):
        record.page_errors.append("the page has math but MathJax did not load")
        return
    record.math = found["math"]
    record.images = found["images"]
    record.links = found["links"]
    record.ids = set(found["ids"])
    record.axe_violations = result["axe"]


def crawl_site(context: BrowserContext, origin: str, pages: list[str], at_once: int = 4) -> Crawl:
    """Visit every page, a few at a time: they load and are checked in parallel, in separate tabs."""
    crawl = Crawl(origin, {})
    for first in range(0, len(pages), at_once):
        batch = [(context.new_page(), path) for path in pages[first : first + at_once]]
        try:
            records = [open_page(page, crawl, path) for page, path in batch]
            for (page, _), record in zip(batch, records, strict=True):
                settle(page, crawl, record)
            for (page, _), record in zip(batch, records, strict=True):
                collect(page, record)
                crawl.visits[record.path] = record
        finally:
            for page, _ in batch:
                page.close()
    return crawl
