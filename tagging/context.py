"""Clause-level context for lexicon matches: whose experience it is, and whether it is denied.

The labelling rules turn on three questions a bag of words cannot answer: is the writer talking
about themself or about a friend or sibling, is the experience itself denied, and is a violent
phrase hyperbole about homework. These heuristics answer them for one clause at a time, because
Danish chat puts the denial and the confession in neighbouring clauses ("vil ik gøre noget,
men tænker på at dø hver dag").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# Clause boundaries: sentence punctuation, line breaks, and the contrastive "men" that so often
# separates a denial from what is really going on.
_CLAUSE_SPLIT = re.compile(r"[.!?;:\n]+|,\s*|\s+(?:men|but)\s+")

# Subjects, so the nearest one before a match says whose experience it is. "man" (generic
# "one") is the writer hiding behind a general question, so it counts as the writer.
# (English "I" is left out: Danish "i" means "in" and is everywhere.)
_SELF_SUBJECT = r"jeg|mig|man|i'm|me|myself"
_OTHER_SUBJECT = (
    r"han|hun|de|hans|hendes|(?:min|mit|mine|hans|hendes) (?:bedste |gamle |nye )?"
    r"(?:ven|veninde|venner|veninder|kammerat|klassekammerat|bror|søster|fætter|kusine|kæreste"
    r"|ex|mor|far|mormor|morfar|farmor|farfar|onkel|moster|faster|tante|bedstemor|bedstefar"
    r"|lillebror|lillesøster|storebror|storesøster|stedfar|stedmor|forældre|søskende)"
    r"|en (?:fra|af|i) \w+(?: \w+)?|nogen fra \w+|en (?:god )?(?:ven|veninde|kammerat)"
)
_SUBJECT = re.compile(rf"(?<!\w)(?:(?P<self>{_SELF_SUBJECT})|(?P<other>{_OTHER_SUBJECT}))(?!\w)")
# "skære i sig selv": a reflexive right after the match points at someone else.
_REFLEXIVE = re.compile(r"\s*(?:\w+ )?(?:i |på )?sig selv")
# Danish inverts subject and verb after a fronted adverbial ("hvert år skærer jeg mig"): a
# "jeg" right after the matched verb is the subject, whatever came before.
_INVERTED_SELF = re.compile(r"\w+ jeg(?!\w)")
# A negation, a word, then a conjunction ("får jeg ik aftensmad og hun slår mig", "ingen mad
# og så slår hun mig"): the negation belongs to the earlier clause, not to the match.
_NEW_CLAUSE = re.compile(r"\s*\w+\b.*?(?<!\w)(?:og|eller|når|hvis|da)(?!\w)")
# A friend as the one it happens to ("min veninde er blevet voldtaget").
_FRIEND = re.compile(
    r"(?<!\w)(?:(?:min|mit|mine) (?:bedste |gamle )?(?:ven|veninde|venner|veninder|kammerat)"
    r"|en (?:god )?(?:ven|veninde|kammerat))(?!\w)"
)
_NEGATION = re.compile(
    r"(?<!\w)(ikke|ik|ikk|aldrig|ingen|intet|ikke længere|never|not(?! me\b)|no|don'?t|ej)"
    r"(?!\w)"
)
# A denial whose scope runs past the window of a few words: "har aldrig haft lyst til at
# skade mig selv", "aldrig været udsat for noget overgreb", "det er ikke sådan at jeg vil tage
# mit liv". The chains are closed lists: "aldrig fortalt nogen at han slår mig" denies the
# telling, not the hitting, so an open window would be wrong.
_NEGATED_CHAIN = re.compile(
    r"(?<!\w)(?:ikke|ik|ikk|aldrig)\s+(?:(?:haft (?:lyst|trang|tanker|planer) (?:til|om) at"
    r"|haft det (?:\w+ )?(?:dårligt|skidt|slemt) nok til at|tænkt (?:på|over) at|overvejet at)"
    r"(?: gøre)?"
    r"|været (?:udsat|ude) for(?: noget)?(?: \w+)?"
    r"|sådan at jeg (?:vil |ville |har tænkt mig at |tænker på at )?)\s*$"
)
# The rest of a word a match ended inside ("skære" in "skærer ikke") and the object that
# comes before a Danish negation ("jeg skærer mig ikke", "mor slår mig aldrig"), and the
# negation after them, which must lead on to more words: "skærer ik." alone is too short
# ("ikke længere" is left to _TIME_BOUND).
_WORD_REST = re.compile(r"\w*\s*(?:mig\s+(?:selv\s+)?)?")
_NEGATION_AFTER = re.compile(r"(?:ikke|ik|ikk|aldrig|not|never)\s+\w|aldrig\s*$")
# A denial bounded in time is past experience, which keeps its tag ("har ik haft lyst til at
# skade mig selv siden jeg var 13", "i over et år"), and one held against an urge is the urge
# ("skar mig ik i går selvom jeg havde mega lyst").
_TIME_BOUND = re.compile(
    r"(?<!\w)(?:siden|længere|mere|længer|i over|i (?:et|\w+|\d+) (?:år|måned\w*|uge\w*"
    r"|dage)|i går|i nat|selvom|selv om)(?!\w)"
)
# The writer as the object right after the act ("min ven voldtog mig"): the writer's own.
_OBJECT_ME = re.compile(r"\w*\s+mig(?!\w)")
_AFFIRMING = re.compile(
    r"(?<!\w)(stoppe|stopper|holde op|lade være|lade vær|styre|undgå|lade)(?!\w)"
)
# Everyday triggers that turn "slår mig ihjel"/"kms"/"dør" into hyperbole.
_EVERYDAY = re.compile(
    r"(?<!\w)(matematik\w*|matte|eksamen|eksamens\w*|\w*prøven|\w*prøverne|\w+prøve|lektie\w*|"
    r"aflevering\w*|opgave\w*|projekt\w*|fremlæg\w*|skole\w*|karakter\w*|dansk|tysk|engelsk|fysik\w*|kemi\w*|"
    r"biologi|test|kamp\w*|træning|lol|a?haha\w*|hehe|xd|jk|ik seriøst|ikke seriøst|"
    r"lmao|lmfao|fortnite|fifa|playstation|ps5|xbox|gruppearbejde\w*|danskstil\w*|\w*fest|"
    r"02|00|-3)(?!\w)|😂|🤣|💀|😅|😆"
)

# How far back from a match the person and denial checks look. A text without clause
# punctuation is one clause, and scanning it from its start for every match made a long
# text cost the square of its length (a 1 MB line took ten minutes). Youth messages are at
# most 2,000 characters (the api's `max_message_chars`), so within them this changes nothing.
_LOOKBACK_CHARS = 2000


def _lookback(start: int) -> int:
    return max(0, start - _LOOKBACK_CHARS)


@dataclass(frozen=True)
class ClauseIndex:
    """Clause boundaries of one text, for finding the clause a whole-text match falls in."""

    text: str
    starts: list[int]
    ends: list[int]

    @staticmethod
    @lru_cache(maxsize=4096)
    def of(text: str) -> ClauseIndex:
        """The clauses of `text`, cached: the lexicon features and the crisis rule both ask."""
        starts, ends = [0], []
        for m in _CLAUSE_SPLIT.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        return ClauseIndex(text, starts, ends)

    def number(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def clause(self, k: int) -> str:
        return self.text[self.starts[k] : self.ends[k]]

    def at(self, pos: int) -> tuple[str, int]:
        """The clause containing offset `pos`, and `pos` relative to that clause."""
        k = self.number(pos)
        return self.clause(k), pos - self.starts[k]


def is_other_person(clause: str, start: int) -> bool:
    """True when the nearest subject before the match is someone else.

    With no subject at all, Danish chat has usually dropped "jeg", so the writer is assumed.
    A reflexive "sig selv" right after the match ("skære i sig selv") also means someone else,
    unless the subject is the generic "man".
    """
    if _INVERTED_SELF.match(clause, start):
        return False
    nearest = None
    # endpos, not a slice: the same matches ("as if the string ended there") without a copy
    for m in _SUBJECT.finditer(clause, _lookback(start), start):
        nearest = m
    if nearest is not None and nearest.group("other"):
        return True
    generic = nearest is not None and nearest.group("self") == "man"
    return not generic and _REFLEXIVE.match(clause, start) is not None


def is_friends_experience(clause: str, start: int, end: int) -> bool:
    """For abuse: a friend is named before the match and the nearest subject is not the writer.

    "min veninde er blevet voldtaget" is the friend's; "min ven tog billeder af mig" is not,
    because the abuse patterns that name the writer ("... mig") use no person check, and
    neither is "min ven voldtog mig", where the writer follows the act as its object.
    """
    if _OBJECT_ME.match(clause, end):
        return False
    head = clause[_lookback(start) : start]
    if not _FRIEND.search(head):
        return False
    nearest = None
    for m in _SUBJECT.finditer(head):
        nearest = m
    return nearest is None or bool(nearest.group("other"))


def is_negated(clause: str, start: int, end: int | None = None, window: int = 4) -> bool:
    """A denial of the match in its clause: a negation among the few words before it, one
    right after its verb, or a closed chain of denial before it ("har aldrig haft lyst til at
    ..."), unless the denial is bounded in time (past experience keeps its tag)."""
    # Danish puts the negation after the finite verb: "jeg skærer ikke i mig selv" (the match
    # may end inside the verb).
    if end is not None:
        rest = _WORD_REST.match(clause, end)
        after = rest.end() if rest else end
        skipped = clause[end:after].strip() != ""  # inside a word, or past "mig"
        if _NEGATION.match(clause, after) and (
            not skipped
            or (
                _NEGATION_AFTER.match(clause, after)
                and not _TIME_BOUND.search(clause, after, after + _LOOKBACK_CHARS)
            )
        ):
            return True
        if _NEGATED_CHAIN.search(clause, _lookback(start), start) and not _TIME_BOUND.search(
            clause, end, end + _LOOKBACK_CHARS
        ):
            return True
    words = clause[_lookback(start) : start].split()[-window:]
    head = " ".join(words)
    neg = None
    for m in _NEGATION.finditer(head):
        neg = m
    if neg is None or _NEW_CLAUSE.match(head, neg.end()):
        return False
    # "kan ikke stoppe med at cutte" affirms the act; the negation belongs to "stoppe".
    return not _AFFIRMING.search(head, neg.end())


def has_everyday_trigger(text: str) -> bool:
    return bool(_EVERYDAY.search(text))
