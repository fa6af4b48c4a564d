"""evals/match.py agrees with the reference goldcheck.py, and matches documents by hash or name."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from evals.gold import read_gold
from evals.match import DocResolver, coverage, supports, tokens

ROOT = Path(__file__).resolve().parents[2]
GOLD_DEV = ROOT / "evals" / "gold" / "dev"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def _goldcheck():
    spec = importlib.util.spec_from_file_location("goldcheck", GOLD_DEV / "goldcheck.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


goldcheck = _goldcheck()


def _letters() -> dict[str, str]:
    """The gold set's text letters by gold name (the shared corpus; skip when it is not beside us)."""
    names = [n for n in read_gold(GOLD_DEV).doc_names() if n.endswith(".txt")]
    paths = {n: SHARED_CORPUS / n for n in names}
    if not all(p.exists() for p in paths.values()):
        pytest.skip("shared corpus not beside this checkout")
    return {n: p.read_text("utf-8") for n, p in paths.items()}


def test_coverage_agrees_with_goldcheck_on_every_gold_quote_against_its_document():
    """Every quote against its document's text as goldcheck reads it: the letters, and the real PDFs
    under 300 KB (the two large ones take seconds to read and add nothing new to the comparison)."""
    gold = read_gold(GOLD_DEV)
    texts = _letters()
    for name in gold.doc_names():
        p = SHARED_CORPUS / "real" / name
        if name not in texts and p.exists() and p.stat().st_size < 300_000:
            texts[name] = goldcheck.document_text(p)
    quotes = [(e.doc, e.quote) for q in gold.qa for e in q.evidence]
    quotes += [(x.doc, x.quote) for x in gold.extractions]
    checked = 0
    for doc, quote in quotes:
        if doc in texts:
            ours, ref = coverage(quote, texts[doc]), goldcheck.coverage(quote, texts[doc])
            assert ours == ref == 1.0, (doc, quote)
            checked += 1
    assert checked >= 100


def test_coverage_agrees_with_goldcheck_on_random_passages_and_quotes():
    texts = _letters()
    gold = read_gold(GOLD_DEV)
    quotes = [e.quote for q in gold.qa for e in q.evidence] + [x.quote for x in gold.extractions]
    rng = random.Random(20240601)
    values = set()
    for _ in range(400):
        text = rng.choice(list(texts.values()))
        start = rng.randrange(len(text))
        passage = text[start : start + rng.randrange(20, 1500)]
        # half gold quotes, half random slices of letters (including cut words and line-break hyphens)
        if rng.random() < 0.5:
            quote = rng.choice(quotes)
        else:
            other = rng.choice(list(texts.values()))
            s = rng.randrange(len(other))
            quote = other[s : s + rng.randrange(1, 300)]
        ours, ref = coverage(quote, passage), goldcheck.coverage(quote, passage)
        assert ours == ref, (quote, passage)
        values.add(round(ours, 2))
    assert len(values) > 5  # not only 0 and 1: fractional coverages were compared too


@pytest.mark.parametrize(
    "quote, passage",
    [
        ("jeugdbescherming", "de jeugdbe-\nscherming is"),  # hyphenated across a line break: rejoined
        ("Jeugd-\nBescherming", "jeugd bescherming"),  # upper case after the break: not rejoined
        ("ﬁnanciering van GI’s", "FINANCIERING VAN GI’S"),  # NFKC ligature, casefold
        ("", "iets"),
        ("€ 10 mln per jaar", "€10 mln. per jaar"),
    ],
)
def test_coverage_agrees_with_goldcheck_on_the_normalisation_edge_cases(quote, passage):
    assert coverage(quote, passage) == goldcheck.coverage(quote, passage)
    assert tokens(quote) == goldcheck.tokens(quote)


def test_a_renamed_document_is_the_same_document_by_its_sha256():
    r = DocResolver({"000_x.txt": "AB" * 32})
    assert r.same("000_x.txt", "brief_2020.txt", "ab" * 32)
    assert not r.same("000_x.txt", "000_x.txt", "cd" * 32)  # same name, other bytes: not the gold document
    assert r.same("000_x.txt", "folder/000_x.txt", None)  # no sha on the prediction: by name
    assert not DocResolver().same("000_x.txt", "other.txt", "ab" * 32)  # no gold sha: by name only


def test_supports_needs_the_same_document_and_half_the_quote():
    r = DocResolver({"a.txt": "a" * 64, "b.txt": "b" * 64})
    quote = "Voor alle kinderen is binnen vijf dagen een veiligheidstaxatie opgesteld"  # 10 tokens
    half = {
        "doc": "a.txt",
        "doc_sha256": "a" * 64,
        "text": "... binnen vijf dagen een veiligheidstaxatie opgesteld.",
    }
    assert supports(half, "a.txt", quote, r)  # 5 of 10: exactly the threshold
    assert not supports(dict(half, doc="b.txt", doc_sha256="b" * 64), "a.txt", quote, r)
    four = {"doc": "a.txt", "doc_sha256": "a" * 64, "quote": "vijf dagen een veiligheidstaxatie"}
    assert not supports(four, "a.txt", quote, r)


# --- JSON lists: a gold document naming the file is every one of its records ---------------------


def test_a_record_of_a_json_list_is_its_gold_file_by_the_record_shas_the_index_gives():
    r = DocResolver(
        {"besluiten.json": "f" * 64}, {"besluiten.json": ["hernoemd.json"]}, {"besluiten.json": ["a1", "b2"]}
    )
    assert r.same("besluiten.json", "hernoemd.json#2", "B2")  # a record's own sha, any case
    assert r.same("besluiten.json", "besluiten.json#1", "a1")
    assert not r.same("besluiten.json", "besluiten.json#3", "c3")  # a record the index does not hold
    assert r.same("besluiten.json", "hernoemd.json#7")  # no sha: by the name of its file
    assert not r.same("besluiten.json", "anders.json#1")
    passage = {
        "doc": "hernoemd.json#2",
        "doc_sha256": "b2",
        "text": "Een garantstelling af te geven van € 6.481.968 aan HVB.",
    }
    assert supports(passage, "besluiten.json", "Een garantstelling af te geven van € 6.481.968 aan HVB", r)


def test_without_the_record_shas_a_record_is_recognised_by_its_file_name_but_a_file_is_not():
    r = DocResolver({"besluiten.json": "f" * 64, "brief.pdf": "e" * 64})
    assert r.same("besluiten.json", "besluiten.json#4", "0" * 64)  # records carry their own sha
    assert not r.same("besluiten.json", "besluiten.json", "0" * 64)  # the file itself, other bytes
    assert not r.same("brief.pdf", "brief.pdf", "0" * 64)  # a plain document: the sha decides, as before
    # a gold set may name one record: then only that record is it
    r2 = DocResolver()
    assert r2.same("besluiten.json#2", "besluiten.json#2") and not r2.same(
        "besluiten.json#2", "besluiten.json#3"
    )
