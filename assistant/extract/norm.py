"""Norms: a quantified standard someone must meet: a time limit, a bounded share, or a maximum,
minimum or threshold in a normative clause.

Statistics, durations of permits and programmes, a trigger inside a negated condition, a
one-off step a motion asks for and a question are not norms.
"""

from __future__ import annotations

import re

from assistant.extract import normalize as nz
from assistant.extract import phrases as ph
from assistant.extract.context import (
    _CANCELLED,
    Candidate,
    _drop_brackets,
    _fields_actor,
    _words,
    anchor_clause,
    local_clause,
    segments,
)
from assistant.extract.models import NormFields, Within
from assistant.types import Document

_STAT = re.compile(
    r"\b(?:daling|stijging|gestegen|gedaald|toename|afname|ten\s+opzichte\s+van|naar\s+schatting|"
    r"blijkt|bleek|geeft\s+aan|gaven\s+aan|tevreden|cijfers|procent\s+in|inschatting|ongeveer|circa|"
    r"bijna|risico-?opslag|opslagpercentage|rente|rendement|winst)\b",
    re.I,
)

_NORMATIVE = re.compile(
    r"\b(?:voorwaarde\w*|moet|moeten|dient|dienen|mag|mogen|verplicht\w*|norm\w*|eis\w*|"
    r"vallen\s+(?:niet\s+)?onder|valt\s+(?:niet\s+)?onder|voldoen|voldoet|vrijstelling|toegestaan|"
    r"ten\s+minste|tenminste|minimaal|maximaal)\b",
    re.I,
)

_BOUND_THRESHOLDS = {
    "ten minste",
    "tenminste",
    "minimaal",
    "minstens",
    "maximaal",
    "ten hoogste",
    "hoogstens",
    "niet meer dan",
    "meer dan",
    "minder dan",
}

_STATUTORY = re.compile(
    r"\b(?:op\s+basis\s+van\s+de|op\s+grond\s+van|wet\w*|verplicht\w*|moet|moeten|dient|dienen)\b", re.I
)

_IF = re.compile(r"\b(?:indien|als|wanneer|zodra)\b", re.I)
# how long a permit, programme or contract runs: "de vergunning heeft een termijn van 5 jaar"
_DURATION_OF = re.compile(
    r"\w*(?:vergunning|contract|overeenkomst|programma|convenant|pilot|project|concessie|"
    r"benoeming|subsidieperiode|aanstelling|pacht)\w*\b",
    re.I,
)

_OBLIGATION = re.compile(r"\b(?:moet|moeten|dient|dienen|verplicht\w*|uiterlijk)\b", re.I)

_NEGATION = re.compile(r"\b(?:geen|niet)\b", re.I)
# a motion or question asks for a one-off step: "verzoekt de regering … binnen één jaar te evalueren"
_REQUEST = re.compile(r"\b(?:verzoekt|verzoeken|roept|vraagt|vragen)\b", re.I)

_NOT_NORM = re.compile(
    r"\b(?:looptijd|duur|contractduur|maandelijks|wekelijks|afschrij\w*|afschrijvingstermijn)\b", re.I
)
# statistics and research findings told in the past: "bij 50 procent … was na zeven weken nog niet …"
_REPORTED_FINDING = re.compile(
    r"\b(?:was|waren|bleek|bleken|meldde|meldden|onderzoekers|onderzochte|gemiddeld\s+duurde)\b", re.I
)


_POPULATION = re.compile(
    r"\b(?:voor\s+(?:\d+(?:,\d+)?\s*%\s+van\s+)?(?:alle\s+|de\s+)?|van\s+de\s+)(?P<pop>kinderen|jongeren|"
    r"jeugdigen|cliënten|gezinnen|aanvragen|meldingen|zaken|inwoners|leerlingen|patiënten)\b",
    re.I,
)


# a period in which the public may respond: "zes weken ter inzage", "termijn voor zienswijzen"
_COMMENT_PERIOD = re.compile(
    r"\b(?:ter\s+inzage|zienswijze\w*|inspraak|bezwaar|beroep|reageren|reacties?)\b", re.I
)
_MODAL = re.compile(r"\b(?:mag|mogen|moet|moeten|dient|dienen|maximaal|ten\s+hoogste|hooguit)\b", re.I)
# what makes a limit on a quantity a rule: an obligation, a permission, a requirement, a recommendation
_RULE_CUE = re.compile(
    r"\b(?:moet|moeten|dient|dienen|mag|mogen|geldt|gelden|verplicht\w*|toegestaan|aanbevolen|"
    r"te\s+hanteren|\w*eis|\w*eisen|vereist|nodig|voorwaarde\w*|norm|voorschrift\w*|beperkt\s+tot|begrensd|toelaatbaar|"
    r"\w*plicht\w*|verbod\w*|verboden|geslotenverklaring|gesloten\s+(?:te\s+)?verklaren|gesloten\s+verklaard)\b",
    re.I,
)
# a bound that names a limit needs no other cue: "de maximumsnelheid bedraagt 30 km/u"
_LIMIT_NAMES = ("maximum", "minimum", "maximale", "minimale", "grens", "limiet", "norm", "drempel")
# a duty attached to a money threshold: "moeten worden gemeld", "is een vergunning verplicht"
_DUTY = re.compile(
    r"\b(?:meld\w*|gemeld|rapporte\w*|\w*plicht\w*|verplicht\w*|aanvragen|aangevraagd|vergunning)\b", re.I
)
# the sentence that introduces a list: "de volgende tijdelijke maatregelen … geaccepteerd:"
_RULES_INTRO = re.compile(r"\b(?:maatregel\w*|regels|eisen|voorwaarden|voorschriften|afspraken)\b", re.I)
_LIST_ITEM = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[a-z][.)]|[-–•·▪●◦*])\s")


def _lead_in_rules(text: str, s: int) -> bool:
    """Is the sentence at ``s`` an item of a list whose introduction (the line ending in ``:``)
    speaks of measures, rules or requirements?"""
    line_start = text.rfind("\n", 0, s) + 1
    if not _LIST_ITEM.match(text, line_start):
        return False
    pos = line_start
    for _ in range(12):  # walk up over the list's earlier items to the line that introduces them
        prev_end = pos - 1
        if prev_end <= 0:
            return False
        prev_start = text.rfind("\n", 0, prev_end) + 1
        line = text[prev_start:prev_end]
        if not line.strip():
            pos = prev_start
            continue
        if line.rstrip().endswith(":"):
            return bool(_RULES_INTRO.search(line))
        if not _LIST_ITEM.match(line):
            return False
        pos = prev_start
    return False


# -- norms ------------------------------------------------------------------------------
def find_norms(doc: Document, s: int, e: int) -> list[Candidate]:
    text = doc.text
    sentence = text[s:e]
    if _NOT_NORM.search(sentence) and not re.search(r"\bbinnen\b|termijn", sentence, re.I):
        return []
    if _REPORTED_FINDING.search(sentence):
        return []  # a reported finding describes, it sets no standard (questions never get here)
    anchors: list[nz.Limit | nz.Share | nz.Bound] = []
    for lim in nz.find_time_limits(text, s, e):
        ls, le = local_clause(text, s, e, lim.start, lim.end)
        clause = text[ls:le]
        if _NOT_NORM.search(text[max(s, lim.start - 30) : lim.start]) or _NOT_NORM.search(lim.text):
            continue
        if lim.lead == "na":
            uiterlijk = re.search(r"uiterlijk\s*$", text[max(s, lim.start - 12) : lim.start])
            if not (uiterlijk or _IF.search(clause)):
                continue
        if lim.lead == "termijn" and _DURATION_OF.search(text[max(s, lim.start - 60) : lim.end]):
            continue  # "de vergunning heeft een termijn van 5 jaar": a duration, not a standard
        if (
            lim.lead == "binnen"
            and re.search(r"\b(?:indien|als|wanneer|zodra)\b[^,;]*$", text[ls : lim.start], re.I)
            and _NEGATION.search(re.split(r",\s", _drop_brackets(text[ls:e]), maxsplit=1)[0])
            and not _OBLIGATION.search(sentence)
        ):
            continue  # "wanneer binnen twaalf maanden geen X is opgericht, kan …": a trigger
        if lim.lead == "binnen" and _REQUEST.search(sentence) and not _OBLIGATION.search(clause):
            continue  # "verzoekt de regering … binnen één jaar te evalueren": a one-off step
        if lim.lead == "ieder" and not _STATUTORY.search(sentence):
            continue
        if lim.lead in {"periode", "gedurende"} and not _COMMENT_PERIOD.search(clause):
            continue  # "voor een periode van zes weken ter inzage": only a period to respond in is a norm
        if lim.lead == "per" and not _MODAL.search(clause):
            continue  # "slechts 3 dagen per jaar verkocht mag worden": a cap only where a rule sets it
        anchors.append(lim)
    normative = None
    if not anchors:
        for sh in nz.find_shares(text, s, e):
            rest = text[s : sh.start] + " " + text[sh.end : e]
            if normative is None:
                normative = bool(_lead_in_rules(text, s))
            if (
                sh.threshold in _BOUND_THRESHOLDS
                and (_NORMATIVE.search(rest) or normative)
                and not _STAT.search(sentence)
            ):
                anchors.append(sh)
    if not anchors and not _STAT.search(sentence):
        # a maximum, minimum or threshold on a quantity: "een minimale afstandeis van 8 meter"
        bounds = nz.find_bounds(text, s, e)
        named = not _CANCELLED.search(sentence) and any(  # "zou … gehanteerd": a hypothetical limit
            b.unit != "euro" and any(w in b.bound for w in _LIMIT_NAMES) for b in bounds
        )
        if bounds and (named or _RULE_CUE.search(sentence) or _lead_in_rules(text, s)):
            # a money threshold is a norm only where something must be reported or applied for above it
            anchors.extend(b for b in bounds if b.unit != "euro" or _DUTY.search(sentence))
    if not anchors:
        return []
    segs = segments(text, s, e, [(x.start, x.end) for x in anchors])
    out = []
    for x, (qs, qe) in zip(anchors, segs, strict=True):
        if qe <= qs:
            continue
        seg = text[qs:qe]
        if isinstance(x, nz.Bound):  # "ten minste acht weken voor het evenement": a time limit too
            unit = nz.TIME_UNITS.get(x.unit)
            w, share = (Within(value=x.value, unit=unit) if unit else None), None  # type: ignore[arg-type]
        elif isinstance(x, nz.Limit):
            w = Within(value=x.value, unit=x.unit)  # type: ignore[arg-type]
            shares = [
                sh
                for sh in nz.find_shares(text, qs, qe)
                if sh.threshold not in {"ruim", "bijna", "circa", "ongeveer", "ca.", "zeker"}
                and not _STAT.search(text[sh.start : min(qe, sh.end + 40)])
            ]
            share = shares[0].value if shares else None
        else:
            w, share = None, x.value
        pop = _POPULATION.search(text, qs, qe)
        remove = [(o.start, o.end) for o in anchors]
        for sh in nz.find_shares(text, qs, qe):  # "Voor 90% is …": the share with its "voor"
            lead = re.search(r"\b[Vv]oor\s+$", text[max(qs, sh.start - 6) : sh.start])
            remove.append((sh.start - (len(lead.group()) if lead else 0), sh.end))
        if pop:
            remove.append((pop.start(), pop.end()))
        cx, cy = anchor_clause(text, qs, qe, x.start, x.end)
        act, own = _fields_actor(text, qs, qe, cx, cy, remove)
        subject = ph.clause_phrase(text, cx, cy, remove, act if own else None)
        if len(_words(subject)) < 2 and x.text.lower().find("termijn") >= 0:
            subject = ph.clause_phrase(
                text, cx, cy, [(o.start, o.end) for o in anchors if o is not x], act if own else None
            )
        fields = NormFields(
            subject=subject or ph.shorten(seg),
            share=share,
            within=w,
            population=pop.group("pop").lower() if pop else None,
        )
        out.append(Candidate("norm", qs, qe, fields, act[0] if act else None))
    return out
