"""Deadlines: a date expression in a clause that plans, promises or sets into effect.

Future or modal cues (``zal``, ``worden``, ``te`` + infinitive, ``verwacht``), a planning verb in the
present, an effective date (``per 1 januari 2023``) or a labelled date (``Start consultatie: 3
april``) make a date a deadline; past clauses, cancelled plans, dates that only qualify an amount,
status dates, table headers and forecasts do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from assistant.extract import normalize as nz
from assistant.extract import phrases as ph
from assistant.extract.context import (
    _ACTION,
    _CANCELLED,
    _CONDITIONAL,
    _EFFECTIVE,
    _FUTURE,
    _YEAR,
    Candidate,
    DocContext,
    _fields_actor,
    _is_past,
    _tense,
    anchor_clause,
    local_clause,
    segments,
    tabular,
)
from assistant.extract.models import DeadlineFields
from assistant.types import Document

_LABEL = re.compile(
    r"\b(?:start|einde|eind|deadline|uiterlijk|planning|oplevering|gereed|inwerkingtreding|"
    r"ingangsdatum|sluitingsdatum|indienen|aanleveren|inleveren|embargo|"
    # an end: "de overeenkomst loopt af op 31 december 2024", "de vergunning vervalt per …"
    r"eindigt|eindigen|loopt\s+af|lopen\s+af|afloopt|aflopen|verloopt|verlopen|vervalt)\b",
    re.I,
)

_FOR_NOUN = re.compile(
    r"\b(?:begroting|budget|plafond|raming|nota|plan|middelen|bedrag|kosten|subsidie\w*|tarie\w+|"
    r"jaarrekening|kadernota|voorjaarsnota|najaarsnota)\s*$",
    re.I,
)

_DURATION_LEAD = re.compile(r"^voor\s+de\s+(?:jaren|periode)", re.I)

_BACKGROUND = re.compile(r"\b(?:tot\s+aan|sinds|ten\s+tijde\s+van)\b", re.I)
# "de per 1 juli ingevoerde maatregel": a date inside a noun phrase, before a participle adjective
_ATTRIBUTIVE_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:\w{0,6}ge\w{2,}|(?:be|ver|ont|her)\w{2,}|\w+eerd)(?:de|te|en)\s+[a-zé]", re.I
)

_ARTICLE_BEFORE = re.compile(r"\b(?:de|het|een|deze)\s*$", re.I)
# "de raadsinformatiebrief van dit jaar", "de resultaten van het eerste halfjaar": a date naming a noun
_NOUN_OF = re.compile(
    r"\b(?!(?:eind|einde|begin|loop|midden|helft|start|uiterlijk)\b)(?!\w*(?:datum|termijn|deadline|vergadering)\b)"
    r"[a-z]\w{3,}\s+(?:van|uit)\s+(?:het\s+|de\s+)?$"
)
# an economic forecast: "de lonen zullen in 2024 met 2,8 procent stijgen"
_FORECAST = re.compile(
    r"\b(?:stijg\w*|steeg|gestegen|daal\w*|daalde|gedaald|groei\w*|gegroeid|toenemen|neemt\s+toe|"
    r"afnemen|neemt\s+af|bedraagt|bedragen|inflatie|indexatie|loonontwikkeling|prijsontwikkeling|"
    r"rente\w*|procentpunt)\b",
    re.I,
)
# a past-tense statement of how much or how many there was: a status, not something to be done
# ("per 31 december 2023 bedroeg de reserve …", "per 1 januari was het saldo …")
_STATUS_PAST = re.compile(r"\b(?:bedroeg|bedroegen|stond|stonden|was|waren)\b", re.I)
# "Vanaf 2027 leidt dit tot hogere inkomsten": a consequence over time, not something to be done
_CONSEQUENCE = re.compile(
    r"\b(?:leidt|leiden|resulteert|resulteren|betekent|betekenen|kijkt|kijken|ontstaat|ontstaan|"
    r"levert\s+\w+\s+op|geldt|gelden)\b",
    re.I,
)


# what is made public at a date: an embargo
_PUBLIC = re.compile(r"\b(?:openbaar\w*|embargo|publicatie|publiceren|gepubliceerd|vrijgegeven)\b", re.I)
# "d.d. 12 december 2023", "gedateerd 3 mei": the date of a document or decision, not a term
# "Datum: 4 juni 2024" in a letter's head: the letter's own date
_DATED = re.compile(r"(?:\bd\.\s?d\.|\bdd\.?|\bgedateerd|\bgedagtekend|(?<![\w-])datum\s*:?)\s*$", re.I)
# "tijdens het Tinafestival op 13 en 14 september": the date of an event
_DURING = re.compile(
    r"\b(?:tijdens|gedurende)\s+(?:het|de|een)\s+[\w’'-]+(?:\s+[\w’'-]+)?\s+(?:op|van|in)\b[^,;]{0,12}$", re.I
)
# money whose year the date gives: "de subsidie in 2025 uit te keren", "de begrotingen voor 2025"
_MONEY = re.compile(
    r"\b(?:subsidies?|bijdragen?|begrotingen|begroting\s+voor|uit\s+te\s+keren|uitkeren|uitgekeerd)(?![-\w])",
    re.I,
)


# -- deadlines --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DateCandidate:
    """A date or relative term in a sentence that could be a deadline, with the rules' verdict."""

    anchor: nz.Due | nz.Limit
    due: date | None
    rule: bool  # the hand rules accept it


# decides which of a sentence's candidates are deadlines: (doc, ctx, s, e, candidates, amounts, asked)
Decide = Callable[[Document, DocContext, int, int, list[DateCandidate], list[nz.Amount], bool], list[bool]]


def deadline_candidates(
    doc: Document, ctx: DocContext, s: int, e: int, amounts: list[nz.Amount], asked: bool = False
) -> list[DateCandidate]:
    """Every date the language layer resolves in sentence ``[s, e)`` and every step relative to an
    unstated start ("na vier maanden"), each with the rules' verdict (never in a question asked)."""
    text = doc.text
    sentence = text[s:e]
    out: list[DateCandidate] = []
    for d in nz.find_dues(text, s, e, ctx.ref):
        ok = not asked and _is_deadline(text, ctx, s, e, d, amounts, sentence)
        out.append(DateCandidate(d, d.due, ok))
    # "De inspecties toetsen na vier maanden …": a step relative to an unstated start
    for lim in nz.find_time_limits(text, s, e):
        if lim.lead == "na" and not re.search(r"uiterlijk\s*$", text[max(s, lim.start - 12) : lim.start]):
            ls, le = local_clause(text, s, e, lim.start, lim.end)
            clause = text[ls : lim.start] + " " + text[lim.end : le]
            ok = (
                not asked
                and not (_CONDITIONAL.search(clause) or _CANCELLED.search(sentence))
                and bool(_ACTION.search(clause))
                and not _is_past(clause)
            )
            out.append(DateCandidate(lim, None, ok))
    out.sort(key=lambda c: c.anchor.start)
    return out


def find_deadlines(
    doc: Document,
    ctx: DocContext,
    s: int,
    e: int,
    amounts: list[nz.Amount],
    decide: Decide | None = None,
    asked: bool = False,
) -> list[Candidate]:
    """The deadlines of sentence ``[s, e)``: its candidates decided by the rules, or by ``decide``."""
    cands = deadline_candidates(doc, ctx, s, e, amounts, asked)
    if not cands:
        return []
    keep = [c.rule for c in cands] if decide is None else decide(doc, ctx, s, e, cands, amounts, asked)
    return build_deadlines(doc, s, e, [c for c, k in zip(cands, keep, strict=True) if k])


def build_deadlines(doc: Document, s: int, e: int, chosen: list[DateCandidate]) -> list[Candidate]:
    """Items for the chosen candidates of sentence ``[s, e)``: the sentence cut between them, and
    action, actor, ``due`` and ``due_text`` from each one's clause."""
    if not chosen:
        return []
    text = doc.text
    accepted = sorted(((c.anchor, c.due) for c in chosen), key=lambda x: x[0].start)
    segs = segments(text, s, e, [(x.start, x.end) for x, _ in accepted])
    out = []
    for (x, due), (qs, qe) in zip(accepted, segs, strict=True):
        if qe <= qs:
            continue
        cx, cy = anchor_clause(text, qs, qe, x.start, x.end)
        anchors = [(o.start, o.end) for o, _ in accepted]
        act, own = _fields_actor(text, qs, qe, cx, cy, anchors)
        action = ph.clause_phrase(text, cx, cy, anchors, act if own else None)
        if len(action) < 3:
            action = ph.shorten(text[qs:qe])
        fields = DeadlineFields(
            action=action,
            actor=act[0] if act else None,
            due=due.isoformat() if due else None,
            due_text=" ".join(x.text.split()),
        )
        out.append(Candidate("deadline", qs, qe, fields, fields.actor))
    return out


def _is_deadline(
    text: str, ctx: DocContext, s: int, e: int, d: nz.Due, amounts: list[nz.Amount], sentence: str
) -> bool:
    budget_doc = d.grain == "nota" or "circulaire" in d.text.lower()  # "bij de Voorjaarsnota 2025"
    if (d.due is None and d.grain != "nota") or d.relative in {"vorig", "vorige", "afgelopen"}:
        return False
    after_season = d.prep == "na" and d.grain == "season"  # "na de zomer informeer ik de Kamer"
    # an embargo's end: "het persbericht wordt na 14 mei 2024 openbaar gemaakt"
    embargo = d.prep == "na" and d.explicit_day and bool(_PUBLIC.search(sentence))
    if d.prep in {"sinds", "na", "bij"} and not (budget_doc or after_season or embargo):
        return False
    if d.grain == "nota" and (d.prep not in {"bij", "in", "via", "met"} or not d.explicit_year):
        return False  # "de Najaarsnota 2025 vast te stellen": the document itself; "in de najaarsnota": which one?
    before = text[max(s, d.start - 30) : d.start]
    if _DATED.search(before):
        return False  # "de raadsinformatiebrief d.d. 12 december 2023": the date names a document
    if _DURING.search(text[max(s, d.start - 60) : d.start]):
        return False  # "tijdens het festival op 13 september": when an event takes place, not a term
    if _DURATION_LEAD.match(d.text):
        return False  # "voor de periode van 2024-2026": how long, not by when
    # a date that only qualifies an amount: "€ 32.804 in 2020", "per 1-1-2021 van € 23.132"
    for a in amounts:
        if 0 <= d.start - a.end <= 3 or re.fullmatch(
            r"\s*(?:van|:)?\s*", text[d.end : a.start] if a.start >= d.end else "x"
        ):
            return False
    if d.grain in {"year", "half", "quarter"}:
        ls, le = local_clause(text, s, e, d.start, d.end)
        if any(ls <= a.start < le for a in amounts):
            return False  # "€ 300 miljoen op jaarbasis te verlengen tot en met 2022": the money's period
        if d.grain == "year" and d.prep in {"in", "voor", ""} and _MONEY.search(text[ls:le]):
            return False  # "de subsidie in 2025 en 2026 uit te keren": the year is the money's period
    after = text[d.end : min(e, d.end + 6)]
    if d.prep in {"voor", "vóór"} and not d.explicit_day:
        if _FOR_NOUN.search(before) or re.match(r"\s*e\.v\.", after):
            return False  # "de begroting voor 2024 e.v.": for, not before
    if d.prep == "per" and re.search(
        r"(?:stand|peildatum|saldo|situatie|portefeuille|boekwaarde|balans|reserves?|voorzieningen?|"
        r"vermogen|schuld|positie|omvang)\b(?:\s+(?:van|in)\s+(?:de|het)\s+[\w\s]{0,40}?)?\s+$",
        text[max(s, d.start - 80) : d.start],
        re.I,
    ):
        return False  # "bankstand per 31-01-2025": a status date, not a deadline
    if d.prep == "per" and _STATUS_PAST.search(sentence):
        return False  # "per 31 december 2023 bedroeg de reserve € 4,2 miljoen": a status at a past date
    if re.match(r"\s*jl\b", after) or re.search(r"\b(?:brief|brieven|Kamerbrief)\s+van\s*$", before, re.I):
        return False
    if _CANCELLED.search(sentence):
        return False  # "zou … worden aangeboden": a plan the text itself replaces
    if _ARTICLE_BEFORE.search(before) and _ATTRIBUTIVE_AFTER.match(text, d.end, e):
        return False  # "de per 1 juli ingevoerde maatregel": a past event named in a noun phrase
    if not d.prep and not d.explicit_day and _NOUN_OF.search(before):
        return False  # "de raadsinformatiebrief van dit jaar": the date names a thing, it sets no term
    if re.match(r"\s+(?:19|20)\d{2}\b", text[d.end : d.end + 6]) or (
        d.text[:1].isdigit() and re.search(r"\b(?:19|20)\d{2}\s+$", before)
    ):
        return False  # "Boekwaarde per 31 december 2023 2024 2025": a table header
    if len(_YEAR.findall(text, max(s, d.start - 60), min(e, d.end + 60))) >= 4 and tabular(
        text[max(s, d.start - 60) : min(e, d.end + 60)].replace("-", " ")
    ):
        return False  # a date among a table's year columns
    ls, le = local_clause(text, s, e, d.start, d.end)
    clause = text[ls:le]
    ws, we = max(s, d.start - 80), min(e, d.end + 80)
    if nz.find_shares(text, ws, we) and _FORECAST.search(text[ws:we]):
        return False  # "zal in 2024 met 2,8 procent stijgen": a forecast, not a term
    if (
        d.prep in {"vanaf", "per", "met ingang van"}
        and _CONSEQUENCE.search(clause)
        and not _FUTURE.search(clause)
    ):
        return False  # "vanaf 2027 leidt dit tot hogere inkomsten": an effect, not an effective date
    effective = d.prep in _EFFECTIVE and (d.explicit_day or d.explicit_year)
    if effective:
        if _BACKGROUND.search(before) or (d.due is not None and d.due.year < ctx.ref.year - 1):
            return False
        return True
    if d.due is not None and d.due < ctx.ref:
        return False
    tense = _tense(text, s, e, d.start, d.end)
    if tense in {"future", "action"}:
        return True
    if tense in {"past", "permission"}:
        return False
    strong = d.explicit_day or d.prep == "uiterlijk" or budget_doc
    ls, le = local_clause(text, s, e, d.start, d.end)
    return strong and bool(_LABEL.search(text[max(s, ls - 40) : le]))
