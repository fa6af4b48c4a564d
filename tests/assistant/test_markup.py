"""assistant/markup.py: document and model text is plain text inside markdown, whatever it holds."""

from __future__ import annotations

import pytest
from htmlrender import render

from assistant.markup import md_link, md_text

HOSTILE = [
    '<img src=x onerror="document.title=1">',
    "<script>alert(1)</script>",
    "![x](http://127.0.0.1:9/leak.png)",
    "[klik](http://127.0.0.1:9/phish)",
    "[klik][ref]\n\n[ref]: http://127.0.0.1:9/ref",
    "<http://127.0.0.1:9/auto> http://127.0.0.1:9/bare www.example.org mail@example.org",
    '<a href="javascript:alert(1)">hier</a>',
    "# kop\n1. lijst\n- punt\n> citaat\n    code\n```\nhek\n```",
    "**vet** _schuin_ ~~weg~~ | a | b |\n|---|---|",
    "$$x^2$$ \\[1\\] &lt;img&gt; &amp; \\<b>",
    "\x1b[31mrood\x1b[0m\u202eomgekeerd",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_one_paragraph_of_the_same_words(text):
    out = render(md_text(text))
    assert [tag for tag, _ in out.tags] == ["p"]
    shown = "".join(out.text).strip()  # the parser has turned entities back into characters
    assert shown.split() == " ".join(text.replace("\x1b", " ").replace("\u202e", " ").split()).split()


def test_keep_lines_keeps_line_breaks_and_nothing_else():
    out = render(md_text("Eerste regel <b>\n# tweede regel ![x](http://h/x.png)", keep_lines=True))
    assert [tag for tag, _ in out.tags] == ["p", "br"]
    assert "# tweede regel ![x](http://h/x.png)" in "".join(out.text)


def test_links_go_only_to_the_apps_own_source_anchors():
    out = render(md_link("[1] <img src=x> brief.txt", "#bron-0-c1"))
    assert out.tags == [("p", {}), ("a", {"href": "#bron-0-c1"})]
    assert "".join(out.text).strip() == "[1] <img src=x> brief.txt"
    for bad in ("http://127.0.0.1:9/x", "javascript:alert(1)", "#bron-0-c1) ![x](http://h/x.png", ""):
        with pytest.raises(ValueError):
            md_link("x", bad)
