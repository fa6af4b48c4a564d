"""User-facing errors. Each message names the thing, the place and the fix.

Caught in three places only: the ingest loop (UnreadableDocument goes into the report), the CLI's
``main`` (one line on stderr, exit 1) and the Gradio handlers (a message in the page).
"""

from __future__ import annotations


class BronwijsError(Exception):
    """Base of every error that is shown to the user rather than treated as a bug."""


class ConfigError(BronwijsError):
    """A setting is unknown or has an invalid value."""


class UnreadableDocument(BronwijsError):
    """A file cannot be ingested: empty, corrupt, encrypted, no text layer, too large, unsupported."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissing(BronwijsError):
    """No index at the configured folder."""


class IndexMismatch(BronwijsError):
    """The index was built with another embedder or a newer format than this code reads."""


class IndexDamaged(IndexMismatch):
    """A file of the live generation is missing, truncated or does not match its checksum."""


class IndexBusy(BronwijsError):
    """The index kept changing generation while it was being opened (a writer is busy): try again."""


class DocumentNotFound(BronwijsError):
    """A document named by the user is not in the index."""


class ModelUnavailable(BronwijsError):
    """An LLM is configured but cannot be reached or loaded."""


class GoldFormatError(BronwijsError):
    """A gold folder does not follow FORMAT.md (message gives file:line)."""


class EmptyQuestion(BronwijsError):
    """The question is empty or only whitespace."""


class IndexBuilding(IndexMissing):
    """The index is being built (first start: the bundled corpus); asking must wait."""


class UploadRejected(BronwijsError):
    """An upload as a whole cannot be taken: too large, no supported file, or none at all."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status the REST API answers with (413, 415, 400)
class QuestionTooLong(BronwijsError):
    """The question is longer than the ``max_question_chars`` setting allows."""
