"""Bronwijs: cited question answering and commitment extraction for Dutch policy letters.

The Python API. Heavy parts are imported on first use, so ``import assistant`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.config import Settings, load_settings
from assistant.errors import BronwijsError
from assistant.types import Answer, Chunk, Citation, Document, Passage, Span

if TYPE_CHECKING:
    from assistant.service import Assistant

__all__ = [
    "Answer",
    "Assistant",
    "BronwijsError",
    "Chunk",
    "Citation",
    "Document",
    "Passage",
    "Settings",
    "Span",
    "load_settings",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    raise AttributeError(name)
