"""The weight of the published pages, and the resolution of their figures."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from PIL import Image
from site_crawl import SITE, site_pages

MAX_PAGE_BYTES = 1_000_000  # a page's HTML plus its own images (not the theme's shared assets)
SHARPNESS = (1.9, 2.1)  # a figure's pixels per displayed pixel: sharp on a high-DPI ("2x") screen
MAX_PIXELS = 2000  # per side: a figure of a page's width at twice a screen's resolution


class ImageSources(HTMLParser):
    """Collect the src of every <img> of a page, and the width it is displayed at (if given)."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.widths: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            found = dict(attrs)
            if found.get("src"):
                self.sources.append(str(found["src"]))
                # docutils writes a display size as style="width: 631px; height: 263px;"
                size = re.search(r"(?<![-\w])width:\s*([\d.]+)px", found.get("style") or "")
                self.widths[str(found["src"])] = found.get("width") or (size.group(1) if size else None)


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


def figures() -> list[tuple[str, Path, str | None]]:
    """Every figure of the chapters: (page, image file, the width the page displays it at)."""
    found = []
    for page in site_pages():
        parser = ImageSources()
        parser.feed((SITE / page).read_text(encoding="utf-8"))
        for src, width in parser.widths.items():
            if "_images/" in src and not src.startswith(("http:", "https:", "data:")):
                found.append((page, (SITE / page).parent / unquote(urldefrag(src)[0]), width))
    return found


@pytest.mark.parametrize("figure", figures(), ids=lambda f: f"{f[0]}:{f[1].name[:12]}")
def test_figures_are_sharp_on_a_high_dpi_screen(figure: tuple[str, Path, str | None]) -> None:
    page, path, width = figure
    assert width is not None, f"{page}: a figure without a display width (is it saved as 'retina'?)"
    with Image.open(path) as image:
        pixels = image.size
    assert max(pixels) <= MAX_PIXELS
    ratio = pixels[0] / float(width)
    assert SHARPNESS[0] <= ratio <= SHARPNESS[1], f"{page}: {pixels[0]} px shown at {width} px"


def test_the_site_has_figures() -> None:
    assert figures(), "no figure in _build/html/_images: is the site built from executed notebooks?"
