"""Text from documents and models, made safe to show inside markdown (the web app's chat).

The chat renders markdown, and markdown passes raw HTML through and turns ``![x](url)`` into an
image the browser fetches. A document or a model's reply is data, never markup: ``md_text`` makes
any string plain text inside markdown (every ASCII punctuation mark backslash-escaped, ``<``, ``>``
and ``&`` as entities), so no element, image, link, list or heading can come out of it.
``md_link`` is the one way to make a link, and only to the app's own source anchors.
"""

from __future__ import annotations

import re

# CommonMark lets every ASCII punctuation mark be escaped with a backslash; escaping them all
# (rather than guessing which ones a renderer treats as syntax) also breaks autolinks
# (``http://``, ``www.``, ``a@b.nl``), tables (``|``), LaTeX (``$``) and emphasis.
_PUNCT = set("!\"#$%'()*+,-./:;=?@[\\]^_`{|}~")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# control characters other than tab and newline have no business in shown text
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ANCHOR = re.compile(r"#bron-\d+-[cp]\d+")


def md_text(text: str, *, keep_lines: bool = False) -> str:
    """``text`` as plain text inside markdown. Whitespace runs become one space; with
    ``keep_lines`` line ends stay line breaks (two trailing spaces)."""
    text = _CONTROL.sub(" ", text or "")
    if keep_lines:
        lines = [" ".join(line.split()) for line in text.splitlines()]
        return "  \n".join(_escape(line) for line in lines)
    return _escape(" ".join(text.split()))


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _PUNCT:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def md_link(label: str, anchor: str) -> str:
    """A markdown link with an escaped label to one of the app's source anchors (``#bron-<turn>-<key>``)."""
    if not ANCHOR.fullmatch(anchor):
        raise ValueError(f"links go only to the app's own source anchors, not {anchor!r}")
    return f"[{md_text(label)}]({anchor})"
