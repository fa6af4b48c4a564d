"""Rule-based Dutch commitment extraction: candidates, then a decision by each kind's rules.

The document is read sentence by sentence (``context``). Every euro amount, date expression and
time limit or share in a sentence is a candidate; the rules of its kind decide whether it is a
commitment and resolve its fields from its clause and, where the clause is silent, from its
context (table row, heading, decision item, document date):

- ``funding``: amounts that are made available, spent, budgeted, cut or estimated (not balances,
  thresholds or tariffs); period and recurrence from the clause, then the context.
- ``deadline``: dates in a clause that plans, promises or sets into effect; ``due`` per FORMAT.md.
- ``norm``: time limits, bounded shares and limits in a normative clause.

Numbers, amounts and dates are read by the shared language layer (``assistant.lang``), so the
rules here only decide; a quote is the sentence holding the candidate, cut between candidates of
one kind at the last clause boundary, so each item keeps the shortest span that states it whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.extract import normalize as nz
from assistant.extract.context import Candidate, DocContext, column_year, money_cells, sentences, tabular
from assistant.extract.context import _is_question as is_question
from assistant.extract.deadline import Decide, find_deadlines
from assistant.extract.funding import find_funding
from assistant.extract.models import KINDS, Commitment
from assistant.extract.norm import find_norms
from assistant.types import Document

__all__ = ["DocContext", "RuleExtractor", "extract_rules", "sentences"]


# the section of a written question (Kamervragen): "Vraag 3" holds the member's text, "Antwoord 3" the reply
_MEMBER_QUESTION = re.compile(r"(?:Vraag|Vragen)\s+\d+\b", re.I)
# a table is about money when its header or the sentence that introduces it says so
_MONEY_TABLE = re.compile(
    r"€|\beuro\b|\bbedrag\w*|\w*begrotingswijziging\w*|\bbudget\w*|\blasten\b|\bbaten\b|\bkosten\b|"
    r"\w*krediet\w*|\bsubsidie\w*|\bdekking\b|\boverheveling\w*",
    re.I,
)
# rows that restate the other rows or count things
_NOT_MONEY_ROW = re.compile(
    r"\b(?:sub)?totaal\b|\baantal\b|\bm2\b|m²|\bfte\b|%|\bwoningen\b|\bkinderen\b|\binwoners\b", re.I
)


def _row_amounts(text: str, s: int, e: int, unit: bool = False) -> list[nz.Amount]:
    """Figures without a euro sign that end the rows of a table about money ("Taakveld 6.1 25.000";
    under a stated unit, "Jeugdhulp 250")."""
    if "\n" not in text[s:e]:
        return []  # a table's rows are lines
    rows = [
        r
        for r in nz.find_row_figures(text, s, e, plain=unit)
        if not _NOT_MONEY_ROW.search(text, text.rfind("\n", s, r.start) + 1, r.start)
    ]
    if not rows:
        return []
    first_line = text.rfind("\n", 0, rows[0].start) + 1
    header = text[max(0, first_line - 300) : first_line]
    if not _MONEY_TABLE.search(header):
        return []
    out = []
    for r in rows:  # a table with a year per column: every cell of the row, not only the last
        if column_year(text, r.start) is not None:
            out.extend(money_cells(text, r.start)[:-1])
        out.append(r)
    return out


def _amounts(text: str, s: int, e: int, mult: float, unit_from: int) -> list[nz.Amount]:
    """The sentence's amounts; figures in a table under ``(x € 1.000)`` are scaled by its unit, and
    a table about money whose figures carry no euro sign gives its rows' figures."""
    amounts = nz.find_amounts(text, s, e)
    if not amounts:
        return [  # scaled by the table's unit
            nz.Amount(a.start, a.end, round(a.value * mult, 2), a.text)
            for a in _row_amounts(text, s, e, unit=mult != 1.0)
        ]
    if mult != 1.0 and tabular(text[s:e]):
        scaled = nz.find_amounts(text, s, e, multiplier=mult)
        amounts = [
            b
            if a.start >= unit_from and tabular(" ".join(text[max(s, a.start - 80) : a.start].split()[-6:]))
            else a
            for a, b in zip(amounts, scaled, strict=True)
        ]
    return amounts


def walk(doc: Document, ctx: DocContext) -> Iterator[tuple[int, int, bool, list[nz.Amount]]]:
    """Every sentence of ``doc``: (start, end, asked, amounts). ``asked`` marks a question or a
    member's question (Kamervragen), which only the answer can commit to; its amounts are read
    plainly and leave a table's unit alone."""
    text = doc.text
    mult, unit_from = 1.0, 0
    for s, e in sentences(text):
        if is_question(text, s, e) or _MEMBER_QUESTION.match(ctx.section(s)[2]):
            yield s, e, True, nz.find_amounts(text, s, e)
            continue
        # "(x € 1.000)" holds for the figures after it in its table, not for the prose around it
        unit = nz.table_unit_end(text, s, e)
        if unit is not None:
            mult, unit_from = nz.table_multiplier(text[s:e]), unit
        elif not tabular(text[s:e]):
            mult, unit_from = 1.0, s
        else:
            unit_from = s
        yield s, e, False, _amounts(text, s, e, mult, unit_from)


# how deadlines are decided: the hand rules, or the fitted model (deadline_clf) alone, filtering the
# rules' items, or adding to them
DEADLINE_MODES = ("rules", "clf", "filter", "add")
DEADLINES = "rules"  # the product's choice (docs/evals.md: measured on val)


class RuleExtractor:
    """Dutch rule-based extractor. ``run(doc)`` returns grounded commitments sorted by offset."""

    def __init__(
        self,
        *,
        kinds: Iterable[str] | None = None,
        deadlines: str | None = None,
        deadline_model: str | None = None,
    ) -> None:
        chosen = set(kinds or KINDS)
        unknown = chosen - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind(s) {sorted(unknown)}; use norm, deadline or funding")
        self.kinds = chosen
        self.deadlines = deadlines or DEADLINES
        if self.deadlines not in DEADLINE_MODES:
            raise ValueError(f"unknown deadline decision {self.deadlines!r}; use {', '.join(DEADLINE_MODES)}")
        self._decide: Decide | None = None
        if self.deadlines != "rules" and "deadline" in self.kinds:
            from assistant.extract.deadline_clf import decider, load_model

            self._decide = decider(self.deadlines, load_model(deadline_model))

    def to_dict(self) -> dict[str, object]:
        return {
            "type": "assistant.extract.rules.RuleExtractor",
            "init": {"kinds": sorted(self.kinds), "deadlines": self.deadlines},
        }

    def run(self, doc: Document) -> list[Commitment]:
        ctx = DocContext.of(doc)
        cands: list[Candidate] = []
        last_funding: tuple[int, str | None] | None = None
        for s, e, asked, amounts in walk(doc, ctx):
            if asked:
                if self._decide is not None and "deadline" in self.kinds:
                    cands.extend(find_deadlines(doc, ctx, s, e, amounts, self._decide, asked=True))
                continue  # a member's question asks; only the answer can commit
            if "funding" in self.kinds and amounts:
                items = find_funding(doc, ctx, s, e, amounts, last_funding)
                cands.extend(items)
                if items:
                    last_funding = (items[-1].end, items[-1].fields.period)  # type: ignore[union-attr]
            if "deadline" in self.kinds:
                cands.extend(find_deadlines(doc, ctx, s, e, amounts, self._decide))
            if "norm" in self.kinds:
                cands.extend(find_norms(doc, s, e))
        out = [
            Commitment.from_span(doc.span(c.start, c.end), c.kind, c.fields, actor=c.actor, grounding="exact")
            for c in cands
        ]
        out.sort(key=lambda x: (x.char_start, x.kind))
        return out


def extract_rules(
    doc: Document,
    kinds: Iterable[str] | None = None,
    deadlines: str | None = None,
    deadline_model: str | None = None,
) -> list[Commitment]:
    """Rule-based extraction over a cleaned document (see the module docstring); ``deadlines``
    overrides how deadlines are decided (``DEADLINE_MODES``), ``deadline_model`` the model file."""
    return RuleExtractor(kinds=kinds, deadlines=deadlines, deadline_model=deadline_model).run(doc)
