"""A learned decision for deadlines: a logistic model over named measurements of a date candidate.

Every date the language layer resolves in a sentence (and every "na vier maanden") is a candidate
(``deadline.deadline_candidates``). ``features`` measures it: the hand rules' verdict, the cue
words of its clause, its preposition and precision, whether it lies after the document's date, the
structural role of its sentence (a table row, a heading, a member's question, an attendance or
signature line, a list item), its position and the sentence's length. The model is fitted by
``python -m evals.fit_extract`` with document-grouped cross-validation and stored as plain JSON
(``deadline_model.json``: names, standardisation, coefficients and a threshold for each way of
using it); loading it runs no code (no pickle).

Ways of using it (``rules.DEADLINE_MODES``): ``clf`` keeps a candidate when p ≥ threshold;
``filter`` keeps a rule-accepted candidate when p ≥ threshold; ``add`` keeps a rule-accepted
candidate and adds others with p ≥ threshold. Fields always come from the same normalisers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ask.roles import roles as sentence_roles
from assistant.errors import ConfigError
from assistant.extract import normalize as nz
from assistant.extract.context import (
    _CANCELLED,
    _CONDITIONAL,
    _FUTURE,
    _YEAR,
    DocContext,
    _is_past,
    _tense,
    local_clause,
    tabular,
)
from assistant.extract.deadline import _DATED, _LABEL, DateCandidate, Decide
from assistant.logistic import (
    params_from_dict,
    params_to_dict,
    probabilities,
    read_model_file,
    write_model_file,
)
from assistant.types import Document

MODEL_FILE = Path(__file__).with_name("deadline_model.json")
MODES = ("clf", "filter", "add")

_PREPS = {
    "uiterlijk": ("uiterlijk", "uiterlijk op"),
    "voor": ("voor", "vóór"),
    "per": ("per", "met ingang van", "vanaf"),
    "tot": ("tot", "tot en met", "t/m"),
    "in": ("in", "ook in", "nog in", "in de loop van"),
    "op": ("op",),
    "after": ("na", "sinds"),
    "bij": ("bij",),
    "eind": ("eind", "einde", "ultimo"),
    "none": ("",),
}
_GRAINS = ("day", "month", "season", "quarter", "half", "year", "nota")
_TENSES = ("future", "action", "past", "permission", "none")
_ROLES = ("table_row", "heading", "list_item", "attendance", "signature", "lead_in", "member_question")

_MODAL = re.compile(r"\b(?:moet|moeten|dient|dienen|verplicht\w*)\b", re.I)
_WILL = re.compile(r"\b(?:zal|zullen|zult|gaat|gaan)\b", re.I)
_PASSIVE = re.compile(r"\b(?:wordt|worden)\b", re.I)
_TE = re.compile(r"\bte\s+(?:\w+\s+)?\w+en\b", re.I)
_NEGATION = re.compile(r"\b(?:niet|geen|nooit)\b", re.I)
_MOTION = re.compile(
    r"\b(?:verzoekt|verzoeken|draagt\b[^.]{0,80}\bop|besluit|besluiten|stemt\s+in|"
    r"stemmen\s+in|gaat\s+akkoord|neemt\s+het\s+besluit)\b",
    re.I,
)
_PLAN = re.compile(
    r"\b(?:planning|gepland\w*|streven|streeft|verwacht\w*|voornem\w*|beoog\w*|"
    r"toegezegd|toezegging|afgesproken|afspraak)\b",
    re.I,
)
_PAST_WORD = re.compile(
    r"\b(?:was|waren|werd|werden|had|hadden|jl|afgelopen|vorig|vorige|eerder|destijds)\b", re.I
)
_FORWARD = {"dit", "deze", "volgend", "volgende", "komend", "komende", "aanstaande"}
_BACKWARD = {"vorig", "vorige", "afgelopen"}


def _names() -> tuple[str, ...]:
    return (
        "rule",
        "asked",
        "question_mark",
        "relative_term",
        *(f"prep_{p}" for p in (*_PREPS, "other")),
        *(f"grain_{g}" for g in _GRAINS),
        "explicit_day",
        "explicit_year",
        "relative_forward",
        "relative_back",
        "range",
        "due_none",
        "due_after_doc",
        "days_after_doc",
        "ref_exact",
        *(f"tense_{t}" for t in _TENSES),
        "cue_modal",
        "cue_will",
        "cue_passive",
        "cue_te",
        "cue_past",
        "cue_past_word",
        "cue_conditional",
        "cue_cancelled",
        "cue_negation",
        "cue_label",
        "cue_motion",
        "cue_plan",
        "sentence_future",
        "dated",
        "amount_in_clause",
        "amount_next",
        "years_around",
        "tabular",
        *(f"role_{r}" for r in _ROLES),
        "decision_doc",
        "position",
        "words",
        "dates_in_sentence",
    )


NAMES: tuple[str, ...] = _names()


def _prep_name(prep: str) -> str:
    for name, words in _PREPS.items():
        if prep in words:
            return name
    return "other"


def features(
    doc: Document,
    ctx: DocContext,
    s: int,
    e: int,
    cands: Sequence[DateCandidate],
    amounts: Sequence[nz.Amount],
    asked: bool,
) -> np.ndarray:
    """One row of ``NAMES`` per candidate of sentence ``[s, e)``."""
    text = doc.text
    sentence = text[s:e]
    roles = sentence_roles(doc, s, e)
    n_words = len(sentence.split())
    sent_future = bool(_FUTURE.search(sentence))
    table = tabular(sentence)
    rows = np.zeros((len(cands), len(NAMES)))
    for i, c in enumerate(cands):
        x = c.anchor
        f: dict[str, float] = dict.fromkeys(NAMES, 0.0)
        f["rule"] = float(c.rule)
        f["asked"] = float(asked)
        f["question_mark"] = float("question_mark" in roles)
        is_due = isinstance(x, nz.Due)
        f["relative_term"] = float(not is_due)
        prep = x.prep if is_due else x.lead  # type: ignore[union-attr]
        f[f"prep_{_prep_name(prep)}"] = 1.0
        if is_due:
            f[f"grain_{x.grain}"] = float(x.grain in _GRAINS)  # type: ignore[union-attr]
            f["explicit_day"] = float(x.explicit_day)  # type: ignore[union-attr]
            f["explicit_year"] = float(x.explicit_year)  # type: ignore[union-attr]
            f["relative_forward"] = float(x.relative in _FORWARD)  # type: ignore[union-attr]
            f["relative_back"] = float(x.relative in _BACKWARD)  # type: ignore[union-attr]
            f["range"] = float(bool(x.range_kind))  # type: ignore[union-attr]
        if c.due is None:
            f["due_none"] = 1.0
        else:
            days = (c.due - ctx.ref).days
            f["due_after_doc"] = float(days >= 0)
            f["days_after_doc"] = math.copysign(math.log1p(abs(days)), days) / 8.0
        f["ref_exact"] = float(ctx.ref_exact)
        f[f"tense_{_tense(text, s, e, x.start, x.end)}"] = 1.0
        ls, le = local_clause(text, s, e, x.start, x.end)
        clause = text[ls : x.start] + " " + text[x.end : le]
        f["cue_modal"] = float(bool(_MODAL.search(clause)))
        f["cue_will"] = float(bool(_WILL.search(clause)))
        f["cue_passive"] = float(bool(_PASSIVE.search(clause)))
        f["cue_te"] = float(bool(_TE.search(clause)))
        f["cue_past"] = float(_is_past(clause))
        f["cue_past_word"] = float(bool(_PAST_WORD.search(sentence)))
        f["cue_conditional"] = float(bool(_CONDITIONAL.search(clause)))
        f["cue_cancelled"] = float(bool(_CANCELLED.search(sentence)))
        f["cue_negation"] = float(bool(_NEGATION.search(clause)))
        f["cue_label"] = float(bool(_LABEL.search(text[max(s, ls - 40) : le])))
        f["cue_motion"] = float(bool(_MOTION.search(sentence)))
        f["cue_plan"] = float(bool(_PLAN.search(sentence)))
        f["sentence_future"] = float(sent_future)
        f["dated"] = float(bool(_DATED.search(text[max(s, x.start - 30) : x.start])))
        f["amount_in_clause"] = float(any(ls <= a.start < le for a in amounts))
        f["amount_next"] = float(any(0 <= x.start - a.end <= 3 or 0 <= a.start - x.end <= 6 for a in amounts))
        f["years_around"] = min(len(_YEAR.findall(text, max(s, x.start - 60), min(e, x.end + 60))), 6) / 6
        f["tabular"] = float(table)
        for r in _ROLES:
            f[f"role_{r}"] = float(r in roles)
        f["decision_doc"] = float(ctx.decisions)
        f["position"] = (x.start - s) / max(1, e - s)
        f["words"] = math.log1p(n_words) / 5.0
        f["dates_in_sentence"] = math.log1p(len(cands))
        rows[i] = [f[n] for n in NAMES]
    return rows


@dataclass(frozen=True)
class DeadlineModel:
    """p(candidate is a deadline) = sigmoid(coef · standardised features + intercept)."""

    names: tuple[str, ...]  # a subset of ``NAMES``, in their order
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    thresholds: dict[str, float]  # one per mode, chosen on the cross-validated probabilities
    info: dict[str, Any]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for rows of ``NAMES`` (the model reads its own subset of them)."""
        if x.shape[1] != len(NAMES):
            raise ConfigError(f"deadline model expects {len(NAMES)} features, got {x.shape[1]}")
        if self.names != NAMES:
            x = x[:, [NAMES.index(n) for n in self.names]]
        return probabilities(x, self.mean, self.scale, self.coef, self.intercept)

    def to_dict(self) -> dict[str, Any]:
        return {
            **params_to_dict(self.names, self.mean, self.scale, self.coef, self.intercept),
            "thresholds": {k: round(float(v), 6) for k, v in self.thresholds.items()},
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "deadline model") -> DeadlineModel:
        def check(names: tuple[str, ...]) -> None:
            if extra := sorted(set(names) - set(NAMES)):
                raise ConfigError(
                    f"{source} was fitted on features this code does not measure ({extra}); "
                    "re-fit it: python -m evals.fit_extract --gold dev=... --gold train=..."
                )

        names, (mean, scale, coef, intercept) = params_from_dict(d, source, check)
        thresholds = {str(k): float(v) for k, v in dict(d.get("thresholds", {})).items()}
        if unknown := sorted(set(thresholds) - set(MODES)):
            raise ConfigError(f"{source}: thresholds for unknown modes {unknown}")
        return cls(names, mean, scale, coef, intercept, thresholds, dict(d.get("info", {})))

    def save(self, path: Path) -> None:
        write_model_file(path, self.to_dict())


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> DeadlineModel:
    """The fitted model (the packaged one unless ``path`` names another); plain JSON, no pickle."""
    p = Path(path) if path else MODEL_FILE
    return DeadlineModel.from_dict(read_model_file(p, "deadline model", "python -m evals.fit_extract"), str(p))


def keep(mode: str, rule: np.ndarray, p: np.ndarray, threshold: float) -> np.ndarray:
    """Which candidates a mode keeps, given the rules' verdicts and the model's probabilities."""
    if mode == "clf":
        return p >= threshold
    if mode == "filter":
        return rule & (p >= threshold)
    if mode == "add":
        return rule | (p >= threshold)
    raise ValueError(f"unknown deadline mode {mode!r}; use one of {', '.join(MODES)}")


def decider(mode: str, model: DeadlineModel | None = None) -> Decide:
    """A ``find_deadlines`` decision for ``mode`` with the packaged (or given) model."""
    if mode not in MODES:
        raise ValueError(f"unknown deadline mode {mode!r}; use one of {', '.join(MODES)}")
    m = model or load_model()
    if mode not in m.thresholds:
        raise ConfigError(f"deadline model has no threshold for mode {mode!r}; re-fit it")
    t = m.thresholds[mode]

    def decide(
        doc: Document,
        ctx: DocContext,
        s: int,
        e: int,
        cands: list[DateCandidate],
        amounts: list[nz.Amount],
        asked: bool,
    ) -> list[bool]:
        p = m.predict(features(doc, ctx, s, e, cands, amounts, asked))
        rule = np.array([c.rule for c in cands], dtype=bool)
        return [bool(v) for v in keep(mode, rule, p, t)]

    return decide
