"""The Sphinx extension that gives bibliography entries the listitem role (tools/citations_aria.py)."""

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import citations_aria

ENTRY = '<div class="citation" id="id2" role="doc-biblioentry">'


def test_each_entry_becomes_a_list_item_and_nothing_else_changes():
    body = f'<div role="list" class="citation-list">{ENTRY}x</div>{ENTRY}y</div></div><p>role</p>'
    fixed = citations_aria.list_items(body)
    assert fixed.count('role="listitem"') == 2
    assert "doc-biblioentry" not in fixed
    assert fixed.replace('role="listitem"', 'role="doc-biblioentry"') == body


def test_the_page_hook_rewrites_the_body_only_where_needed():
    context = {"body": ENTRY}
    citations_aria._on_page(None, "book/reference", "page.html", context, None)
    assert context["body"] == '<div class="citation" id="id2" role="listitem">'
    plain = {"body": "<p>no bibliography</p>"}
    citations_aria._on_page(None, "intro", "page.html", plain, None)
    assert plain == {"body": "<p>no bibliography</p>"}


def test_setup_connects_the_hook():
    connected = []
    app = SimpleNamespace(connect=lambda event, handler: connected.append((event, handler)))
    assert citations_aria.setup(app) == {"parallel_read_safe": True, "parallel_write_safe": True}
    assert connected == [("html-page-context", citations_aria._on_page)]
