"""The weight of the published pages, and the resolution of their figures."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from PIL import Image
from site_crawl import SITE, site_pages

MAX_PAGE_BYTES = 1_000_000  # a page's HTML plus its own images (not the theme's shared assets)
DPI_RANGE = (50.0, 150.0)  # what matplotlib recorded in the PNG (course_utils.plots uses 80)
MAX_PIXELS = 1600  # per side: a figure of a page's width at a screen's resolution


class ImageSources(HTMLParser):
    """Collect the src of every <img> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.extend(value for name, value in attrs if name == "src" and value)


def own_images(page: Path) -> set[Path]:
    """The image files a page shows that are its own: local, and not the theme's (under _static/)."""
    parser = ImageSources()
    parser.feed(page.read_text(encoding="utf-8"))
    files = set()
    for src in parser.sources:
        if src.startswith(("data:", "http:", "https:", "//")):
            continue  # inline images are counted in the HTML; other hosts are the browser test's business
        path = (page.parent / unquote(urldefrag(src)[0])).resolve()
        if SITE.resolve() / "_static" not in path.parents:
            files.add(path)
    return files


def page_weight(page: str) -> int:
    """Return the bytes of a page's HTML plus its own images."""
    path = SITE / page
    return path.stat().st_size + sum(image.stat().st_size for image in own_images(path))


def test_no_page_is_heavier_than_1_mb(site_summary: dict[str, object]) -> None:
    pages = site_pages()
    assert pages, f"{SITE} is not built: run `make book` first"
    weights = {page: page_weight(page) for page in pages}
    heaviest = max(weights, key=lambda page: weights[page])
    site_summary["heaviest page"] = f"{heaviest}, {weights[heaviest] / 1e3:.0f} kB with its images"
    assert {page: w for page, w in weights.items() if w > MAX_PAGE_BYTES} == {}


def figures() -> list[Path]:
    return sorted(p for p in (SITE / "_images").glob("*") if p.is_file()) if SITE.is_dir() else []


@pytest.mark.parametrize("figure", figures(), ids=lambda p: p.name[:16])
def test_figures_are_saved_at_a_sensible_resolution(figure: Path) -> None:
    with Image.open(figure) as image:
        width, height = image.size
        dpi = image.info.get("dpi")
    assert max(width, height) <= MAX_PIXELS
    if dpi is not None:  # matplotlib records it in every PNG it writes
        assert DPI_RANGE[0] <= float(dpi[0]) <= DPI_RANGE[1]


def test_the_site_has_figures() -> None:
    assert figures(), "no figure in _build/html/_images: is the site built from executed notebooks?"
