"""Markdown as a browser's renderer would make it, parsed back into tags and text (test helper)."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def render(markdown: str) -> Tags:
    """Raw HTML passes through, tables and strikethrough on, as in a browser's markdown renderer."""
    out = Tags()
    out.feed(MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown))
    return out
