"""Curated Danish topic lexicons, used as extra model features.

About 45 training messages per tag cannot teach a model the vocabulary of a topic; a short,
hand-written list of stems per tag can. The lists are written from general knowledge of how
Danish teenagers describe these problems, not copied from the corpus, so they carry signal to
messages the corpus never saw. Each pattern is a regex matched at a word start on normalised
text (lower case, chat spellings folded; see `features.normalise`). The model learns how much
to trust each list, so a noisy stem costs little.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from tagging.context import ClauseIndex, is_negated, is_other_person
from tagging.crisis import OUTCOMES, crisis_analysis
from tagging.features import normalise
from tagging.taxonomy import CRISIS_TAGS, TAG_IDS

TOPIC_PATTERNS: dict[str, tuple[str, ...]] = {
    "ensomhed": (
        r"ensom", r"lonely", r"alene\b", r"isoler", r"usynlig", r"udenfor", r"udstødt",
        r"forladt", r"ingen venner", r"ikke nogen venner", r"ingen at (snakke|tale|være|skrive|"
        r"hænge|fortælle|gå)", r"ingen (skriver|ringer|spørger|inviterer|savner)",
        r"ikke (blevet )?inviteret", r"venneløs", r"ikke har nogen", r"har ikke nogen",
        r"ingen der forstår", r"luft for", r"(bliver|blevet) glemt", r"får venner",
        r"få venner", r"nogen at", r"for mig selv", r"ikke findes",
    ),
    "angst": (
        r"angst", r"panik", r"bange", r"nervøs", r"bekymr", r"hjertebank",
        r"hjertet (banker|hamrer|slår)", r"trække vejret", r"få luft", r"ryster", r"sitre",
        r"svimmel", r"anxiety", r"panic", r"overtænk", r"tør (ikke|ik)", r"frygt", r"skræm",
        r"paranoid", r"i alarm", r"tvangs", r"ocd", r"uro\b", r"urolig", r"anfald",
        r"kvalme", r"ondt i maven", r"stammer", r"nervevrag", r"værste",
    ),
    "nedtrykthed": (
        r"deprim", r"depression", r"ked af det", r"trist", r"tom\b", r"tomme?\b", r"tomhed",
        r"ingen energi", r"orker (ikke|ingenting|intet)", r"gider (ikke|ingenting|intet)",
        r"meningsløs", r"håbløs", r"græd", r"nede\b", r"nedtrykt", r"værdiløs",
        r"hader mig selv", r"ligegyldig", r"fiasko", r"mørk", r"tung", r"ingen glæde",
        r"ingen lyst", r"mistet lysten", r"motivation", r"empty", r"sad\b", r"ulykkelig",
        r"skidt", r"dårligt psykisk", r"har det dårligt", r"ikke godt", r"i bund",
        r"ad helvede til", r"ikke glad", r"træt af (alt|livet|det hele)", r"en skuffelse",
        r"ikke god nok", r"ligger (bare )?i sengen", r"gnist", r"ikke grinet", r"grå",
        r"down\b", r"ligeglad", r"tage mig sammen", r"tud", r"falder sammen", r"ikke mig selv",
        r"lyst til noget", r"få mig selv til", r"ud af sengen", r"stirre", r"shit\b",
        r"hårdt at være mig", r"meningen med", r"glæde",
    ),
    "selvskade": (
        r"skær(e|er)? (i )?mig", r"skar (i )?mig", r"skåret (i )?mig", r"skære i", r"skær i",
        r"cutt", r"cutting", r"selvskad", r"self ?harm", r"\bsh\b", r"ar(ene|ret)?\b", r"sår\b",
        r"sårene", r"blod", r"blødte", r"bløder", r"barberblad", r"barberkniv", r"blad(et)?\b",
        r"kniv", r"glasskår", r"brænd(er|te)? mig", r"slå(r)? mig selv", r"slog mig selv",
        r"kradse", r"kradser mig", r"gøre mig selv ondt", r"gør mig selv ondt",
        r"skade (på )?mig selv", r"straffe? mig", r"straffer mig", r"rids", r"lange ærmer",
        r"plaster", r"relapse", r"clean\b", r"trang(en)? til at", r"mærker", r"streger",
        r"mine arme", r"håndled", r"låret", r"smerte",
    ),
    "selvmordstanker": (
        r"selvmord", r"tage mit (eget )?liv", r"tog mit liv", r"ende på (det|livet|mit)",
        r"ikke (at )?vågne", r"aldrig vågne", r"sove for (evigt|altid)", r"for (evigt|altid)",
        r"ikke leve", r"ikke (være|være i) live", r"leve (mere|længere)", r"ikke være her",
        r"ikke er her", r"være her (mere|længere)", r"forsvinde", r"overdosis", r"piller",
        r"pamol", r"panodil", r"paracetamol", r"ibuprofen", r"sovemedicin", r"insulin",
        r"dødelig", r"dø\b", r"døden", r"slutte det hele", r"slut på", r"give op", r"giver op",
        r"give slip", r"farvel", r"afsked", r"\bkms\b", r"unalive", r"kill myself",
        r"springe ud", r"hoppe (ud|foran)", r"togskinne", r"foran (toget|et tog|metroen|en bil)",
        r"broen", r"reb(et)?\b", r"hænge mig", r"byrde", r"bedre uden mig", r"brev til",
        r"ikke født", r"ikke eksistere", r"smertefri", r"min plan", r"en plan", r"sidste gang",
        r"ingen fremtid", r"ingen grund til at", r"mening med at leve", r"ikke værd at leve",
        r"slå mig selv ihjel", r"ihjel", r"alive", r"disappear",
    ),
    "spiseforstyrrelse": (
        r"spis", r"spist", r"mad(en)?\b", r"kalorie", r"kast(e|er|ede)? op", r"tyk", r"fed\b",
        r"tynd", r"vægt", r"vejer", r"veje mig", r"kilo", r"\bkg\b", r"anoreksi", r"bulimi",
        r"overspis", r"binge", r"sult", r"slank", r"tabe mig", r"tabt mig", r"tage på",
        r"måltid", r"frokost", r"aftensmad", r"morgenmad", r"afføringsmiddel", r"\bed\b",
        r"pro ?ana", r"diæt", r"trøstespis", r"undervægt", r"forbrænd", r"kontrol",
    ),
    "mobning": (
        r"mobb", r"mobning", r"drille", r"driller", r"griner af", r"grine af", r"kalder mig",
        r"kaldt", r"øgenavn", r"hadebesked", r"had\b", r"chikan", r"ignorer", r"fryser mig ude",
        r"holdt udenfor", r"holder mig udenfor", r"rygte", r"fake (profil|konto)",
        r"gruppechat", r"hakkebræt", r"nedgør", r"spytte", r"cybermob", r"hvisker",
        r"efterab", r"memes? om mig", r"grimme ting", r"taber\b", r"freak", r"nørd", r"ulækker",
        r"i klassen", r"klassen", r"frikvarter", r"griner", r"grinede",
    ),
    "familie": (
        r"\bmor\b", r"\bfar\b", r"mors\b", r"fars\b", r"forældre", r"skilsmisse", r"skilles",
        r"skilt\b", r"stedfar", r"stedmor", r"papfar", r"papmor", r"bonus(far|mor)", r"bror",
        r"søster", r"søskende", r"lillebror", r"lillesøster", r"storebror", r"storesøster",
        r"familie", r"hjemme", r"derhjemme", r"husarrest", r"plejefamilie", r"anbragt",
        r"halvsøskende", r"mormor", r"farmor", r"morfar", r"farfar", r"mutter", r"fatter",
        r"min mom", r"my dad", r"hjemmefra", r"hos min",
    ),
    "vold_overgreb": (
        r"slår mig", r"slog mig", r"slået mig", r"tæsk", r"sparke", r"kvæl", r"kvælertag",
        r"rør(er|te)? ved mig", r"rører mig", r"tog mig på", r"voldtag", r"voldtæg", r"tvang",
        r"tvunget", r"overgreb", r"misbrugte mig", r"misbrugt", r"krænk",
        r"nøgenbille", r"nudes", r"billeder (uden tøj|af mig)", r"sextort", r"afpres", r"truer",
        r"truede", r"hemmelighed", r"blå mærker", r"blåt øje", r"lussing", r"voldelig",
        r"vold\b", r"overfald", r"dickpic", r"grooming", r"voksen mand", r"ældre fyr",
        r"alder er bare", r"lukke(de)? mig inde", r"låst mig inde", r"hiver mig",
        r"holdt mig", r"holder mig nede", r"skubbe", r"sagde nej", r"sagde stop",
        r"gift\b", r"går amok", r"smadre", r"bange for (at gå|at komme) hjem",
        r"gjorde (ting|noget) (ved|mod) mig", r"det han gjorde", r"gør ved",
    ),
    "kaerlighed": (
        r"kæreste", r"\bex\b", r"ekskæreste", r"slog op", r"slået op", r"slå op", r"brud",
        r"dumpe(de)? mig", r"droppede mig", r"forelsk", r"crush", r"ghost", r"utro", r"date",
        r"dater", r"elsker", r"kys", r"heartbroken", r"kærestesorg", r"jaloux",
        r"situationship", r"tinder", r"kan lide (ham|hende)", r"er vild med", r"gået fra hinanden",
        r"kærlighed", r"pause\b",
    ),
    "krop_seksualitet": (
        r"krop", r"\bsex", r"seksuel", r"menstruation", r"\bmens\b", r"penis", r"bryst",
        r"onan", r"kønssygdom", r"klamydia", r"p-pille", r"p pille", r"kondom", r"gravid",
        r"pubertet", r"akne", r"bums", r"hud\b", r"spejl", r"grim", r"kønsorgan", r"orgasme",
        r"fortrydelsespille", r"udflåd", r"porno", r"testikl", r"tisser", r"nøgen", r"næse",
        r"lugter", r"sveder", r"strækmærke", r"første gang", r"samtykke", r"dernede", r"lår",
        r"selvværd", r"hår\b", r"rejsning", r"precum", r"oralsex", r"beskyttelse",
    ),
    "identitet": (
        r"homo", r"bøsse", r"lesbisk", r"\bbi\b", r"biseksuel", r"trans", r"queer", r"lgbt",
        r"non ?-?binær", r"nonbinary", r"køn", r"pronomen", r"de/dem", r"spring(e|er)? ud",
        r"sprunget ud", r"aseksuel", r"\bpan\b", r"\bgay", r"straight", r"hvem jeg er",
        r"hører til", r"passer (ikke )?ind", r"kultur", r"religion", r"muslim", r"adopteret",
        r"skifte navn", r"mit navn", r"dysfori", r"hormon", r"genderfluid", r"drenge eller piger",
        r"samme køn", r"seksualitet", r"tiltrukket", r"den jeg er",
    ),
    "misbrug": (
        r"drikke", r"drikker", r"drak", r"druk", r"fuld\b", r"alkohol", r"sprut", r"vodka",
        r"\bvin\b", r"\bøl\b", r"hash", r"joint", r"skæv", r"ryge", r"ryger", r"røget", r"smøg",
        r"snus", r"vape", r"kokain", r"coke", r"stoffer", r"ecstasy", r"mdma", r"speed\b",
        r"benzo", r"lattergas", r"svampe", r"narko", r"dealer", r"afhængig", r"black ?out",
        r"\bhøj\b", r"bong", r"weed", r"pot\b", r"tjald", r"bajer", r"promille", r"tømmermænd",
        r"feste",
    ),
    "skole_stress": (
        r"skole", r"eksamen", r"eksamens", r"prøve", r"lektie", r"aflevering", r"aflevere",
        r"opgave", r"karakter", r"gymnasi", r"\bgym\b", r"\bstx\b", r"\bhf\b", r"\bhtx\b",
        r"\bsrp\b", r"lærer", r"\bfag\b", r"dumpe", r"dumpede", r"fravær", r"studie",
        r"uddannelse", r"præstation", r"\bpres", r"stress", r"deadline", r"fremlæg",
        r"mundtlig", r"skriftlig", r"termins", r"matematik", r"\bmatte\b", r"dansk\b",
        r"fysik", r"kemi", r"tysk", r"engelsk", r"bagud", r"læse til", r"læser", r"snit",
        r"\b02\b", r"\b12\b", r"\b4\b", r"pjæk", r"droppe ud", r"burnout", r"projekt",
        r"klasse\b", r"timerne", r"lærere",
    ),
    "sorg": (
        r"døde\b", r"død\b", r"er død", r"mistet", r"mistede", r"begravelse", r"bisættelse",
        r"sorg", r"dødsdag", r"aflivet", r"er væk", r"gået bort", r"gik bort", r"ulykke",
        r"druknede", r"kræft", r"tog sit (eget )?liv", r"begik selvmord", r"tog livet af sig",
        r"afdød", r"kirkegård", r"gravsted", r"savner (ham|hende|min)", r"nåede ikke at sige",
        r"hjertestop", r"aldrig kommer tilbage", r"sidste dage",
    ),
    "venskab": (
        r"\bven\b", r"veninde", r"venner", r"bedste ven", r"vennegruppe", r"venskab",
        r"kammerat", r"uvenner", r"gruppen", r"min vens?", r"mine venner", r"vennerne",
        r"friend", r"bff",
    ),
}

_COMPILED: tuple[re.Pattern[str], ...] = tuple(
    re.compile(r"(?<!\w)(?:" + "|".join(TOPIC_PATTERNS[tag]) + ")") for tag in TAG_IDS
)


# Tags about the writer's own inner state, where "min veninde ..." moves the evidence to
# someone else. For relational tags (bullying, family, love, friendship, grief, abuse) the
# other person is usually the one acting on the writer, so the split would only blur them.
_PERSONAL = {
    "ensomhed", "angst", "nedtrykthed", "selvskade", "selvmordstanker", "spiseforstyrrelse",
    "krop_seksualitet", "identitet", "misbrug", "skole_stress",
}
_PERSONAL_INDEX = frozenset(i for i, t in enumerate(TAG_IDS) if t in _PERSONAL)


def topic_counts(text: str) -> list[float]:
    """Lexicon hits per tag for normalised text, in three context groups.

    Returned as [self hits per tag] + [someone else's hits per tag] + [negated hits per tag],
    so the model can learn that "min veninde skærer i sig selv" is evidence for `venskab`
    rather than `selvskade`.
    """
    n = len(TAG_IDS)
    out = [0.0] * (3 * n)
    index = ClauseIndex.of(text)
    personal = _PERSONAL_INDEX
    # One scan of the whole text per tag; each match is then judged within its own clause.
    for i, pattern in enumerate(_COMPILED):
        for m in pattern.finditer(text):
            clause, pos = index.at(m.start())
            if i in personal and is_other_person(clause, pos):
                out[n + i] += 1
            elif is_negated(clause, pos):
                out[2 * n + i] += 1
            else:
                out[i] += 1
    return out


_N_COUNTS = 3 * len(TAG_IDS)
N_FEATURES = _N_COUNTS + len(CRISIS_TAGS) * len(OUTCOMES)


def crisis_flags(text: str) -> list[float]:
    """Crisis-rule outcomes (fired / someone else / denied / hyperbole) per crisis tag."""
    analysis = crisis_analysis(text)
    return [float(o in analysis[tag]) for tag in sorted(analysis) for o in OUTCOMES]


class LexiconFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Per-tag lexicon hit counts by context (log-scaled so one long message cannot dominate)
    plus the crisis rule's outcomes."""

    def fit(self, x: Any, y: Any = None) -> LexiconFeatures:
        return self

    def transform(self, x: Any) -> sparse.csr_matrix:
        rows = []
        for text in x:
            norm = normalise(text)
            rows.append(topic_counts(norm) + crisis_flags(norm))
        arr = np.asarray(rows, dtype=np.float64).reshape(len(rows), N_FEATURES)
        arr[:, :_N_COUNTS] = np.log1p(arr[:, :_N_COUNTS])
        return sparse.csr_matrix(arr)
