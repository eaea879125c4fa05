"""Every page of the built site, as a reader's browser shows it: offline, error-free, accessible."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
import yaml
from playwright.sync_api import Browser
from site_crawl import INSPECT, ROOT, SITE, Crawl

NOTEBOOKS = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
BUNDLE = "regularization-in-keras-notebooks.zip"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly, whatever proxy


def status(url: str) -> int:
    """Return the HTTP status of a HEAD request to the local server."""
    try:
        with LOCAL.open(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
# The pages the site must have, from the table of contents rather than from the build itself.
EXPECTED_PAGES = {
    "index.html",
    "search.html",
    "genindex.html",
    f"{TOC['root']}.html",
    *(f"{entry['file']}.html" for entry in TOC["chapters"]),
}


def test_every_page_was_visited(crawl: Crawl) -> None:
    assert set(crawl.visits) == EXPECTED_PAGES
    assert {f"book/{name}.html" for name in NOTEBOOKS} <= set(crawl.visits)
    for visit in crawl.visits.values():
        if visit.redirected:  # the landing page sends readers on to a page of the site
            assert visit.final_path in crawl.visits, f"{visit.path} redirects to {visit.final_path}"
            assert not crawl.visits[visit.final_path].redirected


def test_no_request_leaves_the_site(crawl: Crawl, page: str) -> None:
    assert crawl.visits[page].external_requests == []


def test_no_console_errors_and_no_page_errors(crawl: Crawl, page: str) -> None:
    visit = crawl.visits[page]
    assert visit.console_errors == []
    assert visit.page_errors == []


def test_every_local_request_succeeds(crawl: Crawl, page: str) -> None:
    assert crawl.visits[page].failed_requests == []


def test_math_is_rendered_by_mathjax(crawl: Crawl, page: str) -> None:
    visit = crawl.visits[page]
    if visit.redirected:
        return
    assert visit.math["rendered"] == visit.math["nodes"], "math left as raw TeX"
    assert visit.math["errors"] == 0, "MathJax could not typeset some math (merror)"


def test_the_site_has_math_and_figures(crawl: Crawl) -> None:
    # The two checks above would pass on a site without math or images: make sure they checked some.
    assert sum(v.math.get("nodes", 0) for v in crawl.visits.values()) > 0
    assert any("_images/" in (image["src"] or "") for v in crawl.visits.values() for image in v.images)


def test_every_image_loads(crawl: Crawl, page: str) -> None:
    broken = [image["src"] for image in crawl.visits[page].images if not image["loaded"]]
    assert broken == []


def test_every_internal_link_resolves(crawl: Crawl, page: str) -> None:
    broken = []
    for link in sorted(set(crawl.visits[page].links)):
        url, fragment = urldefrag(link)
        path = crawl.local_path(url)
        if path is None:
            continue  # another host: not fetched (the site must work offline)
        target = crawl.visits.get(path)
        if target is None:
            if url.endswith("/") and not (SITE / path).is_file():
                broken.append(link)  # GitHub Pages answers 404 for a folder without index.html
            elif status(url) != 200:
                broken.append(link)
        elif fragment and unquote(fragment) not in target.ids:
            broken.append(link)
    assert broken == []


def test_no_serious_accessibility_violations(crawl: Crawl, page: str) -> None:
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in crawl.visits[page].axe_violations
        if v["impact"] in ("serious", "critical")
    ]
    assert violations == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_offers_its_notebook_and_launch_buttons(crawl: Crawl, name: str) -> None:
    visit = crawl.visits[f"book/{name}.html"]
    url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"]["branch"]
    assert branch == "main"
    owner_repo = url.split("github.com/", 1)[1]
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    links = set(visit.links)
    assert f"{colab}/github/{owner_repo}/blob/{branch}/book/{name}.ipynb" in links
    assert any(
        link.startswith(f"{binder}/v2/gh/{owner_repo}/{branch}?") and link.endswith(f"book/{name}.ipynb")
        for link in links
    ), links
    download = crawl.url(f"_sources/book/{name}.ipynb")
    assert download in links
    with LOCAL.open(download, timeout=10) as response:
        served = json.load(response)
    source = json.loads((ROOT / "book" / f"{name}.ipynb").read_text())
    assert served["cells"] == source["cells"]


def test_intro_links_the_notebook_bundle(crawl: Crawl) -> None:
    bundle = crawl.url(BUNDLE)
    assert bundle in crawl.visits["book/intro.html"].links
    with LOCAL.open(bundle, timeout=10) as response:
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    names = {Path(n).name for n in archive.namelist() if n.endswith(".ipynb")}
    assert names == {f"{name}.ipynb" for name in NOTEBOOKS}


@pytest.mark.parametrize("start", ["index.html", *(f"book/{name}.html" for name in NOTEBOOKS[:1])])
def test_the_site_reads_from_a_folder_without_a_server(browser: Browser, start: str) -> None:
    # An air-gapped classroom: the unzipped folder opened straight from disk (file://).
    requests: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((SITE / start).as_uri(), wait_until="load")
        if start == "index.html":  # the landing page sends the reader on to the introduction
            page.wait_for_url((SITE / "book" / "intro.html").as_uri())
        page.wait_for_load_state("networkidle")
        found = page.evaluate(INSPECT)
    finally:
        context.close()
    assert not found.get("mathjax_missing")
    assert found["math"]["rendered"] == found["math"]["nodes"]
    assert found["math"]["errors"] == 0
    assert all(image["loaded"] for image in found["images"])
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
