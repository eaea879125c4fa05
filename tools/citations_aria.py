"""A Sphinx extension: the bibliography's entries as ARIA list items (`_config.yml`, local_extensions).

Docutils writes the reference page's bibliography as `<div role="list">` holding entries with
`role="doc-biblioentry"`. DPUB-ARIA 1.1 deprecates that role, and axe-core reports the list as
critical (aria-required-children: a list must contain list items). This gives each entry the
`listitem` role that the deprecation note points to; nothing else on any page changes.
"""

from __future__ import annotations

from typing import Any

DEPRECATED = 'role="doc-biblioentry"'
LIST_ITEM = 'role="listitem"'


def list_items(body: str) -> str:
    """Return the page body with each bibliography entry's role made `listitem`."""
    return body.replace(DEPRECATED, LIST_ITEM)


def _on_page(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and DEPRECATED in body:
        context["body"] = list_items(body)


def setup(app: Any) -> dict[str, bool]:
    """Register the extension with Sphinx."""
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
