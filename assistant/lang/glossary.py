"""English words of Dutch public administration, with their Dutch counterparts.

The keyword index stems Dutch, and the bundled embedder bridges English and Dutch poorly, so an
English question over Dutch documents finds little but its names and numbers. Without a chat model
to translate it, the question's administrative vocabulary is glossed: "alderman" also looks for
"wethouder", "annual accounts" for "jaarrekening". The table is general vocabulary of councils,
ministries and their documents (budgets, decisions, youth care, housing, permits), not the wording
of any question; a word it does not hold is left as it is. With a chat model configured, the
question is translated instead (``assistant.rewrite.translate_for_retrieval``).
"""

from __future__ import annotations

import re

# phrases first (longest match wins), then single words; values are Dutch words, space-separated
_TABLE = """
annual accounts: jaarrekening jaarstukken
annual report: jaarverslag
decision list: besluitenlijst
decision lists: besluitenlijst
executive: college
municipal executive: college burgemeester wethouders
town hall: raadhuis gemeentehuis
city hall: stadhuis gemeentehuis
youth care: jeugdzorg jeugdhulp
youth protection: jeugdbescherming
child protection: jeugdbescherming kinderbescherming
court order: maatregel kinderbeschermingsmaatregel
waiting list: wachtlijst
waiting lists: wachtlijsten
ground rent: erfpacht canon
ground lease: erfpacht
tourist tax: toeristenbelasting
property tax: ozb onroerendezaakbelasting
environmental permit: omgevingsvergunning
residual waste: restafval
street name: straatnaam
sports hall: sporthal
social domain: sociaal domein
general reserve: algemene reserve
municipal secretary: gemeentesecretaris
state secretary: staatssecretaris
action plan: actieplan
development framework: ontwikkelkader
humanitarian aid: humanitaire hulp
export credit insurance: exportkredietverzekering
own contribution: eigen bijdrage
first half: eerste helft
second half: tweede helft
sick leave: ziekteverzuim
absence rate: verzuim
house of representatives: tweede kamer
municipality: gemeente
municipalities: gemeenten
municipal: gemeentelijk gemeentelijke
council: raad gemeenteraad
councillor: raadslid
councillors: raadsleden
alderman: wethouder
aldermen: wethouders
mayor: burgemeester
minister: minister
ministers: ministers
ministry: ministerie
cabinet: kabinet
government: regering kabinet overheid
parliament: kamer parlement
province: provincie
provinces: provincies
letter: brief
decision: besluit
decisions: besluiten
decide: besluiten
decided: besloten besluit
meeting: vergadering
proposal: voorstel
proposed: voorgesteld voorstel
motion: motie
questions: vragen
question: vraag
answer: antwoord
answered: beantwoord antwoord
reply: antwoord
replied: beantwoord antwoord
member: lid
members: leden
agreement: overeenkomst akkoord afspraken
agreements: afspraken overeenkomsten
agreed: afgesproken ingestemd
contract: contract overeenkomst
cooperation: samenwerking
report: rapport rapportage verslag
research: onderzoek
study: onderzoek studie
investigation: onderzoek
evaluation: evaluatie
plan: plan
plans: plannen
project: project
programme: programma
program: programma
budget: begroting budget
budgets: begrotingen
money: geld middelen
funds: middelen fonds
funding: financiering middelen bijdrage
fund: fonds
grant: subsidie
subsidy: subsidie
subsidies: subsidies
contribution: bijdrage
cost: kosten kost
costs: kosten
expenditure: uitgaven lasten
spend: uitgeven besteden
spent: uitgegeven besteed
income: inkomsten baten
revenue: opbrengst inkomsten
deficit: tekort
surplus: overschot
shortfall: tekort
reserve: reserve
credit: krediet
loan: lening
guarantee: garantstelling garantie
price: prijs
rent: huur
lease: huur erfpacht
sale: verkoop
sell: verkopen
sold: verkocht
purchase: aankoop
buy: kopen
tax: belasting
taxes: belastingen
auditor: accountant
audit: controle
opinion: oordeel verklaring
insurance: verzekering
youth: jeugd jongeren
children: kinderen
child: kind
young: jong jongeren
people: mensen
residents: inwoners bewoners
inhabitants: inwoners
citizens: burgers inwoners
families: gezinnen
parents: ouders
elderly: ouderen
pupils: leerlingen
students: leerlingen studenten
school: school
schools: scholen
teachers: leraren
education: onderwijs
class: klas
care: zorg
health: gezondheid
healthcare: zorg gezondheidszorg
protection: bescherming
safety: veiligheid
security: beveiliging veiligheid
privacy: privacy
information: informatie
police: politie
crime: criminaliteit
housing: wonen woningen huisvesting
homes: woningen
dwellings: woningen
apartments: appartementen
building: gebouw pand
buildings: gebouwen panden
renovation: renovatie
construction: bouw
site: locatie terrein
location: locatie
land: grond
ground: grond
soil: bodem
street: straat
road: weg
parking: parkeren parkeerterrein
beach: strand
asphalt: asfalt
library: bibliotheek
refugees: vluchtelingen ontheemden
displaced: ontheemden
shelter: opvang
reception: opvang
places: plekken plaatsen
permit: vergunning
permits: vergunningen
fireworks: vuurwerk
storage: opslag
stored: opgeslagen opslag
distance: afstand
waste: afval
energy: energie
climate: klimaat
water: water
nature: natuur
traffic: verkeer
noise: geluid
environment: milieu omgeving
foundation: stichting
organisation: organisatie
organisations: organisaties
organization: organisatie
organizations: organisaties
association: vereniging
company: bedrijf
companies: bedrijven
businesses: bedrijven ondernemers
entrepreneurs: ondernemers
employees: medewerkers personeel
staff: personeel medewerkers
salary: bezoldiging salaris
salaries: bezoldiging salarissen
secretary: secretaris
inspectorate: inspectie
inspectorates: inspecties
regional: regionaal regionale regio
region: regio
national: landelijk nationaal
local: lokaal lokale
temporary: tijdelijk tijdelijke
permanent: structureel permanent
structural: structureel
extra: extra
additional: extra aanvullende
total: totaal
final: definitief
new: nieuw nieuwe
former: voormalig voormalige
approach: aanpak
measures: maatregelen
measure: maatregel
improvement: verbetering
support: ondersteuning steun
aid: hulp steun
peace: vrede
coalition: coalitie
law: wet
act: wet
bill: wetsvoorstel
regulation: regeling verordening
regulations: regelingen verordeningen
rules: regels
published: gepubliceerd bekendgemaakt
consultation: consultatie
monitor: monitor
percentage: procent percentage
percent: procent
share: aandeel
million: miljoen
billion: miljard
thousand: duizend
year: jaar
years: jaren jaar
month: maand
months: maanden
week: week
weeks: weken
day: dag
days: dagen
deadline: termijn uiterlijk
period: periode termijn
extended: verlengd verlenging
extension: verlenging
delay: vertraging
delayed: vertraagd
cancelled: afgelast geannuleerd
start: start begin
started: gestart begonnen
end: einde
expected: verwacht
planned: gepland
signed: ondertekend getekend
sign: tekenen ondertekenen
appointed: benoemd
mandate: mandaat
"""

_ENTRIES: dict[str, str] = {}
for _line in _TABLE.strip().splitlines():
    _key, _, _value = _line.partition(":")
    _ENTRIES[" ".join(_key.split()).casefold()] = " ".join(_value.split())
_LONGEST = max(len(k.split()) for k in _ENTRIES)
_WORD = re.compile(r"[A-Za-z]+")


def gloss(text: str) -> str:
    """The Dutch counterparts of the English administrative words and phrases in ``text`` (longest
    phrase first), space-separated; "" when it holds none."""
    words = [w.casefold() for w in _WORD.findall(text)]
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            dutch = _ENTRIES.get(" ".join(words[i : i + n]))
            if dutch:
                out.extend(w for w in dutch.split() if w not in out)
                i += n
                break
        else:
            i += 1
    return " ".join(out)


def words() -> dict[str, tuple[str, ...]]:
    """The glossary's single English words with their Dutch counterparts ("alderman" → ("wethouder",))."""
    return {k: tuple(v.split()) for k, v in _ENTRIES.items() if " " not in k}
