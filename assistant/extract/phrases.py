"""Descriptive (non-key) fields from Dutch clauses: actor, action, norm subject, funding purpose.

Shallow Dutch grammar, no parser:

- **actor**: the grammatical subject when it is an organisation or role. It is found as the noun
  phrase that starts the clause (``Gemeenten hebben …``), the one right after the finite verb in
  inversion (``In 2024 onderzoekt de gemeente …``) or the agent of a passive (``… door het
  college``); a noun phrase governed by another preposition (``met de VNG``) is never the subject.
  Normalised to lower case without article (``de GI's`` → ``gi's``); ``wij``/``we`` keep the
  convention ``wij (de schrijvers)``, ``ik`` is ``ik (de schrijver)``.
- **action / subject**: the clause holding the anchor minus the anchor (date, time limit, share,
  amount), the actor and parenthetical remarks; when the actor was the subject, the finite verb
  moves to the end as an infinitive (``Gemeenten hebben zicht op X`` → ``zicht hebben op X``),
  and a future or modal auxiliary is dropped (``wij zullen de Kamer informeren`` → ``Kamer
  informeren``). At most ~100 characters, cut at a clause boundary where possible.
- **purpose**: ``voor`` / ``ten behoeve van`` / ``bestemd voor`` / ``t.b.v.`` + noun phrase near the
  amount, else ``bij <regeling>``, a table-row label, the noun before ``van €`` (``het voorschot
  van € 144 miljoen``), else the clause without the amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_LEN = 100

# --- actors ----------------------------------------------------------------------------------

# head nouns of organisations and roles (lower case, singular and plural written out)
_ORG_HEADS = (
    r"gemeente|gemeenten|gemeentes|provincie|provincies|waterschap|waterschappen|rijk|rijksoverheid|"
    r"overheid|kabinet|regering|ministerie|ministeries|minister|ministers|staatssecretaris|"
    r"staatssecretarissen|inspectie|inspecties|college|colleges|raad|gemeenteraad|kamer|"
    r"burgemeester|wethouder|wethouders|bestuur|directie|commissie|toezichthouder|toezichthouders|"
    r"lidstaten|lidstaat|regio|regio['’]s|jeugdregio['’]s|gi['’]s|gecertificeerde\s+instellingen|"
    r"[\w-]*aanbieders|[\w-]*aanbieder|[\w-]*instellingen|[\w-]*instelling|corporaties|woningcorporaties|"
    r"woningcorporatie|partijen|ketenpartners|veldpartijen|organisaties|scholen|schoolbesturen|"
    r"zorgverzekeraars|zorgkantoren|werkgevers|vakbonden|ggd|ggd['’]s|politie|openbaar\s+ministerie|"
    r"rechtspraak|ombudsman|autoriteit|jeugdautoriteit|kinderombudsman|samenwerkingsverband|"
    r"samenwerkingsverbanden|uitvoeringsorganisatie|dienst|agentschap"
)
_ORG_NOUN = re.compile(rf"(?:{_ORG_HEADS})", re.I)
_QUALIFIER = r"(?:\s+(?:van|voor)\s+(?:de\s+|het\s+)?[A-Z][\w&'’-]*(?:\s+(?:en\s+)?[A-Z][\w&'’-]*)?)"
# [article] [adjective]* head [van/voor Name] | acronym | gemeente <Name>
_ADJ_STOP = r"(?!(?:waarmee|waarvoor|welke|deze|die|onze|elke|iedere|de|de\s)\b)"
_ACTOR_NP = re.compile(
    rf"(?<![\w-])(?P<np>(?:(?i:de|het|een|alle|onze|deze)\s+)?"
    rf"(?:{_ADJ_STOP}(?:[a-zé]{{3,}}(?:e|ste)|vier|drie|twee|betrokken)\s+){{0,2}}"
    rf"(?:(?:Tweede|Eerste)\s+)?(?P<head>(?i:{_ORG_HEADS}))\b{_QUALIFIER}?"
    rf"|(?:(?i:de|het)\s+)?(?P<acr>[A-Z][A-Za-z]?[A-Z]{{1,5}}(?:['’]s)?)\b"
    rf"|(?:(?i:de)\s+)?(?:Raad\s+voor\s+de\s+Kinderbescherming|Raad\s+van\s+State|Nationale\s+ombudsman))",
)
_NOT_ACRONYM = {"EU", "BTW", "OZB", "WOZ", "ICT", "AVG", "CT", "PDF", "NB", "II", "III", "IV", "BBP", "EMU"}
_PRONOUN_ACTOR = re.compile(r"\b(?P<p>wij|we|ik)\b", re.I)
PREPOSITIONS = {
    "aan",
    "bij",
    "met",
    "van",
    "voor",
    "vóór",
    "naar",
    "over",
    "op",
    "in",
    "tot",
    "tegen",
    "om",
    "namens",
    "richting",
    "tussen",
    "onder",
    "uit",
    "via",
    "zonder",
    "binnen",
    "buiten",
    "na",
    "per",
    "door",
    "samen",
    "vanuit",
    "inzake",
    "jegens",
    "dan",
    "als",
    "tijdens",
    "rondom",
    "rond",
    "sinds",
    "ondanks",
    "volgens",
    "dankzij",
    "m.b.t.",
    "t.a.v.",
    "ten",
    "waarmee",
    "waarvoor",
    "wat",
}
_FUNCTION_WORDS = {
    "wat",
    "dat",
    "die",
    "en",
    "of",
    "als",
    "om",
    "dan",
    "er",
    "het",
    "de",
    "een",
    "waarmee",
    "waarin",
    "waarbij",
    "welke",
    "zoals",
    "ook",
    "nog",
    "wel",
    "niet",
    "daarom",
    "dus",
    "hier",
    "daar",
    "nu",
}
_PASSIVE = re.compile(r"\b(?:wordt|worden|werd|werden|is|zijn|was|waren)\b", re.I)


def _verb_like(w: str) -> bool:
    w = w.lower()
    return w not in _FUNCTION_WORDS and (w in _AUX or w.endswith(("t", "en")) or w in _IRREGULAR)


_CONNECTORS = {
    "en",
    "maar",
    "of",
    "dat",
    "die",
    "om",
    "daarnaast",
    "ook",
    "verder",
    "tevens",
    "daarom",
    "dus",
    "vervolgens",
    "daarna",
    "hierbij",
    "daartoe",
    "bovendien",
    "voorts",
    "nog",
    "inmiddels",
    "dan",
    "waarbij",
    "waarmee",
    "waarna",
    "zodat",
    "terwijl",
    "wel",
    "nu",
    "hiermee",
    "daarmee",
    "hiervoor",
    "daarvoor",
    "ten",
    "slotte",
    "tot",
    "slot",
    "al",
    "want",
    "omdat",
    "indien",
    "als",
    "wanneer",
    "zodra",
    "welke",
    "waarin",
    "zoals",
    "toegezegd",
    "aangekondigd",
}
_LEADING_ADVERBS = re.compile(
    r"^(?:(?:en|maar|daarnaast|ook|verder|tevens|daarom|dus|vervolgens|daarna|hierbij|daartoe|"
    r"bovendien|voorts|inmiddels|hiermee|daarmee|hiervoor|daarvoor|ten\s+slotte|tot\s+slot|zoals\s+"
    r"(?:toegezegd|aangekondigd|afgesproken)|naar\s+verwachting|(?:de\s+)?verwachting\s+is\s+(?:dat|om)|"
    r"het\s+is\s+de\s+bedoeling\s+(?:dat|om)|(?:de\s+)?planning\s+is\s+(?:dat|om)|beoogd\s+is\s+(?:dat|om)|"
    r"het\s+streven\s+is\s+(?:dat|om)|verwacht\s+wordt\s+dat|waarmee|waarbij|waarin|waarna|welke)\b[\s,]*)+",
    re.I,
)
_AUX = {
    "zal",
    "zullen",
    "zult",
    "gaat",
    "gaan",
    "wil",
    "willen",
    "moet",
    "moeten",
    "dient",
    "dienen",
    "kan",
    "kunnen",
    "mag",
    "mogen",
    "wordt",
    "worden",
    "is",
    "zijn",
    "heeft",
    "hebben",
    "blijft",
    "blijven",
}
_DROP_AUX = {"zal", "zullen", "zult", "gaat", "gaan", "wil", "willen", "moet", "moeten", "dient", "dienen"}
_IRREGULAR = {
    "is": "zijn",
    "heeft": "hebben",
    "wordt": "worden",
    "gaat": "gaan",
    "staat": "staan",
    "slaat": "slaan",
    "doet": "doen",
    "ziet": "zien",
    "komt": "komen",
    "zal": "zullen",
    "kan": "kunnen",
    "wil": "willen",
    "mag": "mogen",
    "zijn": "zijn",
    "treedt": "treden",
    "neemt": "nemen",
    "geeft": "geven",
    "blijft": "blijven",
    "krijgt": "krijgen",
    "houdt": "houden",
}
_T_STEMS = {
    "start",
    "richt",
    "wacht",
    "zet",
    "verplicht",
    "acht",
    "bericht",
    "verricht",
    "sticht",
    "zit",
    "praat",
    "bepaalt",
    "voldoet",
    "eet",
    "meet",
    "weet",
    "laat",
    "bidt",
    "rust",
}
_PARTICLES = {
    "vast",
    "in",
    "op",
    "uit",
    "af",
    "aan",
    "mee",
    "door",
    "terug",
    "bij",
    "toe",
    "over",
    "na",
    "om",
    "weg",
    "samen",
    "vrij",
    "plaats",
    "voort",
    "tegemoet",
    "bekend",
    "kenbaar",
    "beschikbaar",
}


def _norm_actor(np: str) -> str:
    s = " ".join(np.split())
    s = re.sub(r"^(?:de|het|een|alle|onze|die|deze)\s+", "", s, flags=re.I)
    return s.replace("’", "'").lower()


def _preceding_word(text: str, pos: int, floor: int) -> str:
    m = re.search(r"([\wéèëïöü'’-]+)[\s,]*$", text[max(floor, pos - 40) : pos])
    return m.group(1).lower() if m else ""


def _actor_matches(text: str, s: int, e: int) -> list[re.Match[str]]:
    out = []
    for m in _ACTOR_NP.finditer(text, s, e):
        if m.group("acr"):
            acr = re.sub(r"['’]s$", "", m.group("acr"))
            if acr.upper() in _NOT_ACRONYM or not re.search(r"[A-Z].*[A-Z]", acr) or len(acr) > 6:
                continue
            if re.match(r"\s*[-/]?\d", text[m.end() : m.end() + 3]):  # "CAO 2021", "P2": a label
                continue
        head = (m.group("head") or "").lower()
        if head in {"kamer", "raad"} and not re.search(
            r"(?:tweede|eerste|gemeente)\s*kamer|\braad\b", m.group("np"), re.I
        ):
            continue
        if head == "kamer" and not re.search(r"(?:tweede|eerste)\s+kamer", m.group("np"), re.I):
            continue
        out.append(m)
    return out


def _position(text: str, s: int, a: int, prev: str) -> str | None:
    """``subject`` when only connectors or adverbials precede ``a`` in its clause, ``inverted`` right
    after a finite verb, else None (an object, or a noun phrase inside a prepositional phrase)."""
    lead = _LEADING_ADVERBS.sub("", " ".join(text[s:a].split()).strip(" ,;:–-•("))
    if not lead or lead.lower() in _CONNECTORS:
        return "subject"
    if prev in PREPOSITIONS or prev in _FUNCTION_WORDS or not _verb_like(prev):
        return None
    return "inverted"


def find_actor(
    text: str, s: int, e: int, avoid: Iterable[tuple[int, int]] = ()
) -> tuple[str, int, int, str] | None:
    """The subject of clause ``text[s:e]`` when it is an organisation, a role or ``wij``/``ik``:
    ``(normalised name, start, end, how)`` with ``how`` = ``subject``, ``inverted`` or ``agent``."""
    avoid = list(avoid)

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in avoid)

    cands: list[tuple[int, str, int, int, str]] = []
    for m in _actor_matches(text, s, e):
        a, b = m.start(), m.end()
        if not free(a, b):
            continue
        prev = _preceding_word(text, a, s)
        if prev == "door":
            attributive = re.match(r"\s+(?:\w*ge\w+|\w+)(?:de|te|en)\s+\w", text[b : b + 40]) and re.match(
                r"\s+\w*ge\w+(?:de|te)\b", text[b : b + 40]
            )
            if _PASSIVE.search(text, s, e) and not attributive:
                cands.append((0, _norm_actor(m.group(0)), a, b, "agent"))
            continue
        how = _position(text, s, a, prev)
        if how:
            cands.append((1, _norm_actor(m.group(0)), a, b, how))
    for m in _PRONOUN_ACTOR.finditer(text, s, e):
        if not free(m.start(), m.end()):
            continue
        how = _position(text, s, m.start(), _preceding_word(text, m.start(), s))
        if how:
            name = "ik (de schrijver)" if m.group("p").lower() == "ik" else "wij (de schrijvers)"
            cands.append((1, name, m.start(), m.end(), how))
    if not cands:
        return None
    cands.sort(key=lambda c: (c[0], c[4] != "subject", c[2]))
    _, name, a, b, how = cands[0]
    return name, a, b, how


# --- verbs ------------------------------------------------------------------------------------

_VOWELS = "aeiouéëïöü"


def infinitive(finite: str) -> str:
    """``organiseert`` → ``organiseren``, ``stopt`` → ``stoppen``, ``heeft`` → ``hebben``; a plural
    form (``toetsen``) is already the infinitive. Heuristic Dutch morphology, good for policy verbs."""
    w = finite.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("en") and len(w) > 3:
        return w
    if w in _T_STEMS or any(w.endswith(t) and len(w) - len(t) >= 2 for t in ("richt", "start", "wacht")):
        stem = w
    elif w.endswith("dt"):
        stem = w[:-1]
    elif w.endswith("t") and len(w) > 2:
        stem = w[:-1]
    else:
        stem = w
    if len(stem) >= 3 and stem[-1] not in _VOWELS:
        c, v1, v2 = stem[-1], stem[-2], stem[-3]
        if v1 == v2 and v1 in "aeou":  # maak → mak, neem → nem, stuur → stur
            stem = stem[:-2] + c
            v_long = True
        else:
            v_long = v1 in _VOWELS and v2 in _VOWELS  # oe, ie, ij-like digraphs: no doubling
            v_long = v_long or stem.endswith(("ij", "ui", "ei", "ou", "au"))
        if not v_long and v1 in _VOWELS and v2 not in _VOWELS and c not in "wxyj":
            unstressed = v1 == "e" and c in "lrn" and sum(ch in _VOWELS for ch in stem) > 1
            if not unstressed and c != "h":
                stem = stem + c  # stop → stopp, zet → zett
        if v_long or stem[-2:-1] in {"j", "r", "l"}:
            if stem.endswith("f"):
                stem = stem[:-1] + "v"
            elif stem.endswith("s") and (v_long or stem[-2] in _VOWELS):
                stem = stem[:-1] + "z"
    return stem + "en"


# --- phrases ------------------------------------------------------------------------------------

_WORD_RX = re.compile(r"\S+")


def _clean(text: str) -> str:
    t = " ".join(text.split())
    t = re.sub(r"\s+([,.;:)])", r"\1", t)
    t = re.sub(r"\(\s*\)", "", t)
    t = re.sub(r"\s{2,}", " ", t)
    return t.strip(" ,;:–-.")


def shorten(text: str, limit: int = MAX_LEN) -> str:
    """At most ``limit`` characters: cut at the last clause boundary that keeps 30+ characters, else
    at a word boundary with an ellipsis."""
    t = _clean(text)
    if len(t) <= limit:
        return t
    head = t[: limit + 1]
    best = -1
    for m in re.finditer(
        r",\s|;\s|\s\(|\s(?:die|dat|om|waarbij|waarmee|waarin|zodat|omdat|zoals|en)\s", head
    ):
        if 30 <= m.start() <= limit:
            best = m.start()
    if best > 0:
        return _clean(t[:best])
    cut = head.rsplit(" ", 1)[0]
    return _clean(cut) + " …"


def _strip_article(t: str) -> str:
    return re.sub(r"^(?:de|het|een)\s+", "", t, flags=re.I)


def _drop_parentheses(t: str) -> str:
    prev = None
    while prev != t:
        prev = t
        t = re.sub(r"\([^()]*\)", " ", t)
    return t


_UNAMBIGUOUS_PARTICLES = {
    "vast",
    "terug",
    "plaats",
    "voort",
    "samen",
    "mee",
    "toe",
    "af",
    "bekend",
    "beschikbaar",
    "vrij",
    "weg",
    "uit",
    "in",
    "op",
    "aan",
    "door",
    "bij",
    "over",
}
_EXTRAPOSE = re.compile(
    r"\s(?=(?:op|over|met|naar|aan|bij|om|tot|dat|die|welke|waarbij|waarin|zodat|via|"
    r"tegen|binnen|onder|volgens)\s)"
)
_LEAD_AUX = re.compile(r"^(?:is|zijn|wordt|worden|zal|zullen|kan|kunnen)\s+(?=\w)", re.I)


def _place_verb(body: str, inf: str, limit: int) -> str:
    """Put the infinitive where Dutch puts it (at the end), or before an extraposed prepositional
    phrase when the body is long, so that shortening never cuts the verb off."""
    words = body.split()
    for k, w in enumerate(words):  # "stelt … vast o.b.v. …": the particle joins the verb
        lw = w.lower().strip(",;")
        if lw in _UNAMBIGUOUS_PARTICLES and (
            k == len(words) - 1 or lw in {"vast", "terug", "plaats", "voort"}
        ):
            return " ".join([*words[:k], lw + inf, *words[k + 1 :]])
    if len(body) + len(inf) + 1 <= min(limit, 60) or not body:
        return f"{body} {inf}".strip()
    for m in _EXTRAPOSE.finditer(body):
        before = body[: m.start()].split()
        if before and before[-1].lower() not in PREPOSITIONS:
            return f"{body[: m.start()]} {inf}{body[m.start() :]}"
    return f"{body} {inf}"


def _tidy(t: str) -> str:
    t = re.sub(r"\bte\s+kunnen\s+", "", t)
    t = re.sub(r"^ernaar\s+(?:om\s+)?", "", t)
    t = re.sub(r"\b(vast|terug|in|op|uit|af|aan|mee|toe|door|bij|over)\s+te\s+(\w+en)\b", r"\1\2", t)
    t = re.sub(r"\bte\s+(\w+en)\b", r"\1", t)
    return t


def clause_phrase(
    text: str,
    s: int,
    e: int,
    remove: Iterable[tuple[int, int]],
    actor: tuple[str, int, int, str] | None = None,
    *,
    limit: int = MAX_LEN,
) -> str:
    """The clause ``text[s:e]`` as a concise verb phrase: ``remove`` spans (anchors) and the actor
    taken out, the finite verb moved to the end as an infinitive when the actor was its subject."""
    spans = sorted((max(s, a), min(e, b)) for a, b in remove if a < e and b > s)
    finite_pos: tuple[int, int] | None = None
    if actor and actor[3] in {"subject", "inverted"} and s <= actor[1] and actor[2] <= e:
        _, a, b, how = actor
        if how == "subject":
            m = re.match(r"[\s,]*(?:\([^)]*\)[\s,]*)?([A-Za-zéëïöü]+)\b", text[b:e])
            if m:
                finite_pos = (b + m.start(1), b + m.end(1))
        else:
            m = re.search(r"([A-Za-zéëïöü]+)\s+$", text[max(s, a - 30) : a])
            if m:
                finite_pos = (max(s, a - 30) + m.start(1), max(s, a - 30) + m.end(1))
        spans.append((a, b))
    finite = text[finite_pos[0] : finite_pos[1]] if finite_pos else ""
    if finite and finite_pos and _verb_like(finite) and not any(x <= finite_pos[0] < y for x, y in spans):
        spans.append(finite_pos)
    else:
        finite = ""
    spans.sort()
    pieces, pos = [], s
    for a, b in spans:
        if a > pos:
            pieces.append(text[pos:a])
        pieces.append("\x00")  # where something was taken out
        pos = max(pos, b)
    pieces.append(text[pos:e])
    t = " ".join(" ".join(pieces).split())
    t = _drop_parentheses(t)
    # a preposition left dangling before a removed date: "bij het overleg van <datum>"
    t = re.sub(r"\s(?:van|op|per|in|tot|vanaf|voor|vóór|uiterlijk|rond|na)\s*\x00", " ", t)
    t = " ".join(t.replace("\x00", " ").split())
    t = " ".join(t.split()).strip(" ,;:–-•")
    for _ in range(2):
        t = _LEADING_ADVERBS.sub("", t)
        t = re.sub(r"^(?:er|dat|die|om|u|hierover|daarover)\s+", "", t, flags=re.I)
    if not finite:
        t = _LEAD_AUX.sub("", t)
    t = _strip_article(_tidy(t.strip(" ,;:")))
    t = re.sub(r"^(?:er|u)\s+", "", t)
    if finite:
        f = finite.lower()
        words = t.split()
        last = words[-1].lower().strip(".,;") if words else ""
        participle = bool(re.search(r"^(?:\w*ge\w+[dt]|(?:be|ver|ont|her|er)\w+[dt])$", last))
        if f in _DROP_AUX or f in {"blijft", "blijven"}:
            pass  # "zullen … informeren": the infinitive is already there
        elif f in {"wordt", "worden"} and participle:
            t = _place_verb(t, "worden", limit)
        elif f in {"is", "zijn", "heeft", "hebben", "kan", "kunnen", "mag", "mogen"} and participle:
            pass  # a perfect: "heeft … toegezegd" keeps its participle only
        else:
            if f in {"streeft", "streven"}:
                t = _tidy(re.sub(r"^(?:ernaar|naar)\s+(?:om\s+)?", "", t))
            else:
                t = _place_verb(t, infinitive(f), limit)
    return shorten(_strip_article(t), limit)


# --- funding purpose ------------------------------------------------------------------------

_PURPOSE_PREP = re.compile(
    r"\b(?P<prep>ten\s+behoeve\s+van|t\.b\.v\.|bestemd\s+voor|bedoeld\s+voor|ter\s+financiering\s+van|"
    r"ter\s+dekking\s+van|voor)\s+(?P<np>[^\s€].*)",
    re.I | re.S,
)
_NOT_PURPOSE_START = re.compile(
    r"^(?:(?:de|het)\s+)?(?:(?:19|20)\d{2}|jaren|periode|zover|zowel|een\s+bedrag|een\s+periode|"
    r"rekening|het\s+eerst|de\s+zomer|\d|€|dit\s+jaar|volgend\s+jaar|nu|zich|elk|ieder|iedere|"
    r"het\s+jaar|het\s+begrotingsjaar|ons|mij|u\b|hen\b|de\s+duur)",
    re.I,
)
_NP_STOP = re.compile(
    r"\s(?:beschikbaar|gesteld|gereserveerd|uitgetrokken|toegekend|ingezet|geraamd|begroot|"
    r"opgenomen|vrijgemaakt|is|zijn|wordt|worden|werd|werden|was|waren|te|zal|zullen|kan|kunnen|"
    r"moet|moeten|heeft|hebben|om|waarvan|waarbij|waarmee|waardoor|dat|die|omdat|zodat|in\s+(?:19|20)\d{2}|"
    r"per\s+jaar|vanaf|met\s+ingang|tot\s+en\s+met|t/m|op\s+jaarbasis|structureel|incidenteel|"
    r"jaarlijks|extra|in\s+totaal|ad|à|opgehoogd|verhoogd|verlaagd|verlengd|toegevoegd|onttrokken)\b|[.;:()€\n]|,\s(?!\w+(?:,\s\w+)*\s(?:en|of)\s\w)|\s(?:en|of)\s(?=€|\d)",
    re.I,
)


def _noun_phrase(s: str) -> str:
    m = _NP_STOP.search(s)
    np = s[: m.start()] if m else s
    return _clean(np)


def funding_purpose(text: str, qs: int, qe: int, a_start: int, a_end: int, sent_s: int, sent_e: int) -> str:
    """What an amount is for, from its quote ``[qs, qe)`` and sentence ``[sent_s, sent_e)``."""
    after = text[a_end:qe]
    before = text[qs:a_start]
    # 1. "voor <doel>" right after the amount (before the next amount or clause)
    for m in _PURPOSE_PREP.finditer(after):
        np = m.group("np")
        if _NOT_PURPOSE_START.match(np) or m.start() > 80:
            continue
        p = _noun_phrase(np)
        if len(p) >= 3:
            return shorten(_strip_article(p))
    # 1b. "bij het steunpakket voor X, waarbij € …": the amount belongs to the "bij" phrase
    m = re.search(
        r"\bbij\s+(?P<np>(?:de|het)\s+[^€]+?),?\s+(?:waarbij|waarmee|waarin|waarvoor)\b[^€]*$",
        text[sent_s:a_start],
        re.I | re.S,
    )
    if m and len(m.group("np")) <= 120:
        return shorten(_strip_article(_clean(m.group("np"))))
    # 2. "voor <doel>" earlier in the quote, nearest the amount
    best = None
    for m in _PURPOSE_PREP.finditer(before):
        np = m.group("np")
        if _NOT_PURPOSE_START.match(np):
            continue
        p = _noun_phrase(np)
        if len(p) >= 3:
            best = p
    if best:
        return shorten(_strip_article(best))
    # 2b. "Om <doel> te <werkwoord>, … €": a purpose clause
    m = re.search(r"\b[Oo]m\s+(?P<np>(?:(?!\bte\b)[^,;.€])+?)\s+te\s+(?P<v>\w+en)\b", text[sent_s:a_start])
    if m and 2 <= len(m.group("np").split()) <= 12:
        return shorten(_strip_article(f"{m.group('np')} {m.group('v')}"))
    # 3. "bij <regeling>" earlier in the sentence: "bij het tweede steunpakket … waarbij € X"
    pre_sent = text[sent_s:a_start]
    bij = None
    for m in re.finditer(r"\bbij\s+(?P<np>(?:de|het)\s+.+)", pre_sent, re.I | re.S):
        p = _noun_phrase(m.group("np"))
        if len(p) >= 6 and not re.match(r"(?:de|het)\s+(?:jaarrekening|begroting)\b", p, re.I):
            bij = p
    if bij:
        return shorten(_strip_article(bij))
    # 4. a table row or a budget line: "Taakveld 5.3 Cultuur € 144.640", "Project X (hogere lasten € 50.000)"
    line = before.rsplit("\n", 1)[-1]
    lab = re.match(r"\s*(?P<lab>[^()€]{3,80}?)\s*\(\s*(?:hogere|lagere|extra)\s+(?:lasten|baten)", line, re.I)
    if lab:
        return shorten(lab.group("lab"))
    if len(line.split()) <= 10 and not after.strip() and re.search(r"[A-Za-z]{3}", line):
        return shorten(line)
    # 5. the noun before "van €": "het voorschot van € 144 miljoen", "een budget van € 26.000"
    m = re.search(r"(?P<np>(?:[\w-]+\s+){0,2}[\w-]+)\s+(?:van|ad|à)\s*$", before, re.I)
    if m:
        np = re.sub(
            r"^(?:de|het|een|dit|deze|dat|die|totale|totaal)\s+", "", m.group("np").strip(), flags=re.I
        )
        np = re.sub(r"^.*\b(?:is|zijn|wordt|worden|een|de|het|met|bedraagt)\s+", "", np, flags=re.I)
        if len(np) >= 4 and not re.fullmatch(r"(?:bedrag|totaal|hoogte|som)", np, re.I):
            return shorten(np)
    # 6. the clause without the amount
    rest = re.sub(r"\b(?:in|vanaf|per|tot|t/m|voor|over)\s+(?:19|20)\d{2}\b", " ", before + " " + after)
    rest = re.sub(r"^\s*(?:er\s+(?:is|zijn|wordt|worden)\s+)", "", _clean(rest), flags=re.I)
    rest = _clean(_LEADING_ADVERBS.sub("", _clean(rest)))
    return shorten(_strip_article(rest)) or "onbekend"
