"""evals/reliability.py: readers during writes, every corruption kind, kill -9 during ingest (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import reliability
from evals.reliability import CORRUPTIONS, corruption_case, kill_trials, reader_trial

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    if len(reliability.LETTERS) < 3:
        pytest.skip("no bundled letters")
    path = tmp_path_factory.mktemp("rel") / "base"
    reliability.build_index(path, reliability.LETTERS[:3])
    return path


def test_the_suite_enumerates_at_least_the_18_kinds_of_the_issue():
    assert len(CORRUPTIONS) >= 18
    for named in ("chunk lines swapped", "chunk offsets shifted", "vectors garbled", "vectors NaN",
                  "manifest without its file map", "chunks truncated", "vectors missing"):
        assert named in CORRUPTIONS


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_each_corruption_kind_is_refused_on_open_with_one_line_and_by_doctor(base, tmp_path, kind):
    case = corruption_case(base, tmp_path, kind)
    assert case["detected"], case
    assert "damaged" in case["message"] or "newer" in case["message"], case["message"]


def test_an_intact_copy_is_not_reported(base, tmp_path, monkeypatch):
    monkeypatch.setitem(CORRUPTIONS, "nothing", lambda ix: None)
    assert corruption_case(base, tmp_path, "nothing") == {
        "kind": "nothing", "detected": False, "message": "", "doctor": False
    }


def test_readers_never_fail_while_generations_switch_even_without_a_grace_period(tmp_path):
    """Issue 12 failure 4: the old generation was deleted at once and readers hit 'damaged'."""
    for grace in (None, 0.0):
        r = reader_trial(tmp_path, seconds=1.5, readers=3, grace=grace, min_switches=5, min_opens=100)
        assert r["switches"] >= 5 and r["opens"] >= 100, r
        assert r["failed"] == 0, r["errors"]


def test_kill_9_during_ingest_leaves_a_whole_index_and_the_next_ingest_completes(tmp_path):
    r = kill_trials(tmp_path, trials=2, seed=3)
    assert r["survived"] == r["trials"], r["results"]
