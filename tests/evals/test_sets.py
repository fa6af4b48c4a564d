"""evals/sets.py: naming several gold sets, marking blind ones, and the dev-minus-val gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from evals.sets import GAP_FIGURES, GoldSpec, gaps, parse_gold, sets_of, side_by_side

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "gold_mini"
SCORING = ROOT / "tests" / "data" / "gold_scoring"


def test_a_bare_folder_is_named_after_it_and_name_equals_dir_names_it():
    specs = parse_gold([str(MINI), f"val={SCORING}", "train=../shared/gold-train"], blind=["val"])
    assert [(s.name, s.path, s.blind, s.role) for s in specs] == [
        ("gold_mini", MINI, False, "dev"),
        ("val", SCORING, True, "val"),
        ("train", Path("../shared/gold-train"), False, "dev"),
    ]
    assert parse_gold([MINI]) == [GoldSpec("gold_mini", MINI)]  # a Path is always a folder
    assert parse_gold([str(MINI) + "/"])[0].name == "gold_mini"


def test_a_folder_whose_name_holds_an_equals_sign_is_still_a_folder(tmp_path: Path):
    odd = tmp_path / "a=b"
    odd.mkdir()
    assert parse_gold([str(odd)]) == [GoldSpec("a=b", odd)]
    # a value whose part before '=' is a path is a folder, not NAME=DIR
    assert parse_gold([f"{tmp_path}/x=y"])[0].name == "x=y"


@pytest.mark.parametrize(
    ("values", "blind", "message"),
    [
        ([str(MINI), f"gold_mini={SCORING}"], [], "two gold sets are named 'gold_mini'"),
        ([str(MINI)], ["val"], "no gold set of that name (sets: gold_mini)"),
        (["val="], [], "no folder after '='"),
        ([], [], "no gold folder"),
    ],
)
def test_unclear_gold_arguments_are_refused_with_what_to_change(values, blind, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_gold(values, blind)


def _section(correct, declined_ok, wrongly, cite_p, r5, f1, acc, blind=False):
    return {
        "blind": blind,
        "qa": {
            "overall": {
                "answers": {
                    "correct": correct,
                    "declined_correctly": declined_ok,
                    "wrongly_declined": wrongly,
                },
                "citations": {"precision": cite_p},
                "retrieval": {"recall@5": r5},
            }
        },
        "extraction": {"overall": {"f1": f1, "field_accuracy": acc}},
    }


def test_the_gap_is_the_mean_of_the_dev_sets_minus_each_blind_set():
    sections = {
        "dev": _section(0.9, 0.8, 0.0, 0.9, 1.0, 0.95, 1.0),
        "train": _section(0.5, 0.4, 0.2, 0.5, 0.8, None, None),  # no extraction gold: left out of the mean
        "val": _section(0.5, 0.5, 0.1, 0.4, 0.75, 0.45, 0.5, blind=True),
    }
    g = gaps(sections, ["val"])
    assert list(g) == ["val"] and g["val"]["dev_sets"] == ["dev", "train"]
    f = g["val"]["figures"]
    assert [key for key, _, _ in GAP_FIGURES] == list(f)
    assert f["answer_correct"] == {"dev": 0.7, "val": 0.5, "gap": 0.2}
    assert f["declined_correctly"] == {"dev": 0.6, "val": 0.5, "gap": 0.1}
    assert f["wrongly_declined"] == {"dev": 0.1, "val": 0.1, "gap": 0.0}
    assert f["citation_precision"]["gap"] == 0.3
    assert f["recall@5"] == {"dev": 0.9, "val": 0.75, "gap": 0.15}
    assert f["extraction_f1"] == {
        "dev": 0.95,
        "val": 0.45,
        "gap": 0.5,
    }  # the mean of the one dev set with a value
    assert f["field_accuracy"]["gap"] == 0.5


def test_no_gap_without_dev_sets_and_none_where_a_side_is_not_measured():
    assert gaps({"val": _section(0.5, 0.5, 0.1, 0.4, 0.75, 0.45, 0.5)}, ["val"]) == {}
    sections = {
        "dev": {"qa": {"status": "not measured"}},
        "val": _section(0.5, 0.5, 0.1, 0.4, 0.75, 0.45, 0.5),
    }
    assert gaps(sections, ["val"])["val"]["figures"]["answer_correct"] == {
        "dev": None,
        "val": 0.5,
        "gap": None,
    }


def test_side_by_side_has_a_column_per_set_and_a_gap_column_per_blind_set():
    sections = {
        "dev": _section(0.9, 0.8, 0.0, 0.9, 1.0, 0.95, 1.0),
        "val": _section(0.5, 0.5, 0.1, 0.4, 0.75, 0.45, 0.5, blind=True),
    }
    m = {"k": 10, "sets": sections, "blind": ["val"], "gap": gaps(sections, ["val"])}
    head, rows = side_by_side(m)
    assert head == ["figure", "dev (dev)", "val (blind)", "gap: dev − val"]
    by_label = {r[0]: r[1:] for r in rows}
    assert by_label["answer correct"] == [0.9, 0.5, 0.4]
    assert by_label["recall@5"] == [1.0, 0.75, 0.25]
    assert "recall@1" not in by_label  # measured nowhere: no row
    assert sets_of(m) == sections


def test_an_old_single_set_file_reads_as_one_set_named_after_its_gold_folder():
    old = {"gold_dir": "evals/gold/dev", "qa": {"overall": {"n": 3}}}
    assert sets_of(old) == {"dev": old}
    head, rows = side_by_side(old)
    assert head == ["figure", "dev (dev)"]
