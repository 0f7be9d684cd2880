"""The crisis rule: a curated Danish lexicon that can add a crisis tag the model missed.

A missed crisis is the worst failure this product can have, so a crisis tag is set when the
model's calibrated probability passes its (recall-leaning) threshold OR this rule fires. The
rule follows the labelling rules of DESIGN.md:

- it fires only for the writer's own situation: a friend's or sibling's crisis is left to the
  model (`venskab`/`familie`), detected by who is the subject of the clause;
- a denial in the same clause ("har aldrig haft selvmordstanker") stops a pattern, but a denial
  of intent in a neighbouring clause does not ("vil ik gøre noget, men tænker på at dø");
- past tense does NOT stop it: past self-harm, suicidal thoughts and abuse keep their tag;
- hyperbole-prone phrases ("slår mig ihjel", "kms", "dør") are ignored next to an everyday
  trigger ("matematik", "eksamen", "lol", 💀); the same threat made by a person is abuse;
- cover stories ("spørger for en opgave") do not stop questions about lethal doses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from tagging.alternation import factor
from tagging.context import (
    ClauseIndex,
    has_everyday_trigger,
    is_friends_experience,
    is_negated,
    is_other_person,
)

Person = Literal["subject", "victim", "none"]


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    # Whose experience: "subject" = nearest subject must be the writer (thoughts, self-harm);
    # "victim" = not a named friend's experience (abuse); "none" = the pattern says "mig".
    person: Person = "subject"
    # A negation just before the match cancels it.
    negatable: bool = True
    # Ignored when the clause has an everyday trigger (homework, "lol", 💀).
    hyperbole: bool = False
    # A clause matching this is about something else ("springe ud som bøsse").
    unless: re.Pattern[str] | None = None
    # ... but not when the whole message matches this (an age gap told in another sentence).
    unless_not_in_message: re.Pattern[str] | None = None


_WORD_START = r"(?<!\w)"


def _r(
    pattern: str,
    *,
    person: Person = "subject",
    negatable: bool = True,
    hyperbole: bool = False,
    unless: str | None = None,
    unless_not_in_message: str | None = None,
) -> Rule:
    return Rule(
        re.compile(_WORD_START + r"(?:" + pattern + r")"),
        person,
        negatable,
        hyperbole,
        re.compile(unless) if unless else None,
        re.compile(unless_not_in_message) if unless_not_in_message else None,
    )


_NOT = r"(?:ikke|ik|ikk|aldrig)"
_PILLS = (
    r"(?:piller|pillerne|pamol|panodil|panodiler|paracetamol|ibuprofen|ipren|sovepiller|"
    r"sovemedicin|insulin|medicin|mg|tabletter|antidepressiv\w*|lykkepiller|smertestillende|"
    r"sertralin|melatonin)"
)

# A school or media topic: "vi har en opgave om selvmord", "projekt om vold i hjemmet".
_TOPIC = (
    r"(?:program|film|serie|\w*opgave|emne|artikel|bog|dokumentar|video|podcast|projekt"
    r"|kronik|\w*stil|foredrag|tema) om"
)
# Bruises and black eyes from sport, play or the writer's own hands are not abuse, unless the
# clause says who gave them or that they are to be explained away ("sige det var fra fodbold").
_NOT_ABUSE_BRUISES = (
    r"^(?!.*(?<!\w)(?:sige|siger|sagde|sagt|lyve|lyver|løj|påstå\w*|forklare\w*|gav mig"
    r"|slog mig|slår mig)(?!\w)).*?"
    r"(?<!\w)(?:(?:til|af|i|fra|efter) (?:\w+ )?(?:boksning|boksetræning|rugby|håndbold|fodbold"
    r"|basket\w*|mma|ishockey|hockey|træning\w*|kamp\w*|idræt|kampsport|karate|judo)"
    r"|tackling|mig selv|boksede|sparring|for sjov)(?!\w)"
)


# A cut or scar from an accident, shaving or a tin lid ("skar mig ved et uheld"), unless the
# accident is denied ("det var ikke et uheld").
_ACCIDENT = (
    r"(?<!ikke )(?<!ik )(?<!ikk )(?:ved )?et uheld(?!\w)"
    r"|(?:fra|efter|i|ved) (?:en|et) (?:ulykke|trafikulykke|operation)(?!\w)"
    r"|barber(?:et|ede|e|er) mig(?! med vilje)|dåse\w*|glasdør\w*|knallert\w*"
)


# Nudes between peers, told without sharing, threats, force or an older person: a boyfriend
# who keeps asking, a rumour, whether it is legal at 15. Independent writers label these
# `kaerlighed`/`krop_seksualitet`, not abuse (DESIGN.md names sextortion and adults asking a
# minor); sharing, threats, money, strangers and an age gap anywhere in the message keep the
# rule.
_PEER_NUDES = (
    r"(?<!\w)(?:k(?:æ|ae)rest\w*|crush|rygte\w*|ulovligt|dreng i klassen|en i klassen"
    r"|vi er begge)(?!\w)"
)
_NUDES_RISK = (
    r"(?<!\w)(?:del\w*|videre|tru\w*|afpres\w*|voksen|voksne|ældre|spred\w*|lagt op"
    r"|lægge\w* op|screenshot\w*|\w*tvinge\w*|tvang|\d\d år|gammel|gamle|lærer\w*"
    r"|træner\w*|onkel|stedfar|fremmed\w*|nettet|insta\w*|penge|betale|moden|mødes"
    r"|(?:han|hun|de|personen|fyren|manden) er (?:1[89]|[2-9]\d)|på (?:1[89]|[2-9]\d)"
    r"|jeg er (?:1[0-4]|[5-9]))(?!\w)"
)


RULES: dict[str, tuple[Rule, ...]] = {
    "selvmordstanker": (
        _r(r"selvmord\w*|suicid\w*", unless=_TOPIC),
        _r(r"(?:tage|tog|taget) mit (?:eget )?liv|(?:tage|tog|taget) livet af mig", hyperbole=True),
        _r(r"(?:gøre|gjort) en ende på|slutte det hele|ende det hele|gå hele vejen"),
        _r(
            r"(?:vil|ville|gider|orker|kan|ønsker at|har lyst til at) "
            + _NOT
            + r" (?:at )?(?:leve(?! (?:hans|hendes|deres|andres|jeres|\w+s) liv| op til)"
            r"|være i live|være her|eksistere)",
            negatable=False,
        ),
        _r(
            _NOT + r" (?:lyst|grund|mening) (?:til|med) at (?:leve|være her|fortsætte)",
            negatable=False,
        ),
        _r(
            r"(?:ingen|ikke nogen|ikke en) (?:grund|mening) (?:til|med) at "
            r"(?:leve|fortsætte|blive her"
            r"|være her)|ikke værd at leve",
            negatable=False,
        ),
        _r(
            _NOT + r" (?:vil|gider|orker|kan) (?:at )?(?:leve|være i live|være her|eksistere)",
            negatable=False,
        ),
        _r(
            r"ikke (?:at )?(?:vågne|eksistere)|aldrig (?:at )?vågne"
            r"|(?:sove|sover) for (?:evigt|altid)"
            r"|skuffet over at jeg vågnede",
            negatable=False,
        ),
        _r(
            r"(?:vil|ville|vil bare|vil gerne|ønsker at|lyst til at|klar til at|håber at jeg|"
            r"håber jeg|bare|gerne) (?:bare |gerne |hellere |helst )?(?:dø|dør)(?!\w)"
            # idioms: dying of shame, of laughter, of boredom
            r"(?! af (?:skam|grin|grine|latter|kedsomhed|pinlighed|flovhed|misundelse"
            r"|nervøsitet|spænding|sult|varme|kulde|træthed))",
            hyperbole=True,
        ),
        _r(
            r"tænk\w* (?:på|over|tit på|meget på)(?: at)? (?:dø|døden|at dø)|tanken om at dø"
            r"|tanker om (?:at dø|døden|selvmord)|tænk\w* (?:\w+ ){0,2}på døden"
            r"|måder at dø|hvordan man dør|smertefri\w*|ondt at (?:dø|drukne)"
            r"|hvordan man (?:hænger|skyder|dræber|kvæler) sig"
            r"|sikkert (?:at )?man dør"
        ),
        _r(
            r"(?:ville ønske|ønsker) (?:bare )?(?:at )?jeg"
            r" (?:var død|aldrig var|ikke var|ikke eksisterede)"
        ),
        # Wanting to be dead, wishing it had been oneself, and a past attempt: no hyperbole
        # exemption, "lol prøvede at tage mit liv" is a past attempt told lightly.
        _r(
            r"(?:vil|ville|vil bare|vil gerne|vil helst) (?:bare |gerne |helst )?være død"
            r"|(?:ønske|ønsker) (?:at )?det var mig der (?:var død|døde)"
            r"|(?:prøvede|forsøgte|prøvet|forsøgt) at (?:tage mit (?:eget )?liv|begå selvmord"
            r"|slå mig selv ihjel)"
        ),
        _r(r"overdosis|dødelig(?:e)? dosis|dødeligt", unless=r"døde af"),
        _r(
            r"(?:hvor mange|hvor meget|nok) "
            + _PILLS
            + r"|hvor (?:mange|meget) (?:man |jeg )?(?:skal|skulle|kan) (?:man |jeg )?tage"
        ),
        _r(
            r"(?:samlet|gemt|talt|sparet|samle|samler|gemmer|sparer) (?:på |op )?(?:\w+ )?"
            + _PILLS
            + r"|"
            + _PILLS
            + r" (?:\w+ )?(?:foran mig|og talte)"
        ),
        _r(
            r"(?:tage|tog|taget|tager) (?:en masse|alle|mange|en hel pakke|\d+) "
            r"(?:af (?:mine|sine|dine|de|mors|fars) )?"
            + _PILLS
            + r"|"
            + _PILLS
            + r" på (?:én|en) gang"
            + r"|hvilke doser (?:der )?skal til|hvor (?:stor|høj) (?:en )?dosis"
        ),
        _r(r"(?:hænge|hængt) mig|reb(?:et)?(?!\w)"),
        _r(
            r"(?:springe|hoppe|kaste mig) (?:ud|ned|foran)(?! (?:for|som|til))"
            r"(?! (?:af|fra|gennem) (?:vinduet|et vindue))"
            r"|(?:lægge|lagde) mig (?:ud )?foran|ligge (?:ud )?foran|køre mig ned"
        ),
        _r(
            r"togskinner\w*|(?:står|sidder) på (?:broen|taget|kanten|altanen)|høj bygning"
            r"|pistol|ud over (?:kanten|kajkanten)"
            r"|ud i (?:havet|vandet)|hvor højt skal man falde"
        ),
        _r(r"kms|kill myself|unalive", hyperbole=True),
        # "hoppe ud af vinduet" is the stock exaggeration over homework and teachers.
        _r(
            r"(?:springe|hoppe|kaste mig) (?:ud|ned) (?:af|fra|gennem) (?:vinduet|et vindue)",
            hyperbole=True,
        ),
        _r(
            r"disappear forever|(?:want|wanna|wish i could) (?:to )?(?:just )?(?:die|disappear)"
            r"|(?:don'?t|dont) (?:want|wanna)"
            r" (?:to )?(?:be alive|live)"
        ),
        _r(
            r"(?:slå|dræbe|skyde|skyder|dræber|slår) mig selv ihjel|(?:skyde|skyder) mig selv",
            hyperbole=True,
        ),
        _r(
            r"afskeds\w*|siger? (?:man )?farvel til (?:min|mine|alle|sin|sine)|brev til min familie"
            r"|giv(?:et|e|er) mine ting væk|sidste gang jeg skriver"
        ),
        _r(
            r"bedre (?:stillet )?uden mig|byrde for|hvis jeg (?:døde|var død|ikke var her|var væk)",
            person="none",
        ),
        _r(
            r"(?:forsvinde|væk) og aldrig komme tilbage|(?:drømmer om|ønsker) at være død"
            r"|testamente|(?:kvæle|kvalt|kvælte) mig selv"
        ),
        _r(
            r"forsvinde for (?:evigt|altid)|(?:gå|falde) i søvn for (?:evigt|altid)"
            r"|(?:færdig|væk) for (?:evigt|altid)|stopper\.? for (?:evigt|altid)"
        ),
        _r(
            r"færdig med (?:livet|at leve)|giv(?:e|er) op på livet|give slip på (?:det hele|livet)"
            r"|på livet"
        ),
        _r(
            r"(?:være|er) her (?:til|i morgen|meget længere|længere|mere)"
            r"|ikke er her i morgen|ikke var her mere",
            negatable=False,
        ),
        _r(
            r"min tid er (?:slut|forbi)"
            r"|(?:ikke|aldrig) (?:jeg )?(?:bliver|når at blive|fylder) \d\d"
        ),
        _r(r"(?:leve|live|alive) (?:mere|længere|anymore)", negatable=False),
        # Farewells and a future without the writer, in words that name neither death nor dying.
        _r(
            r"(?:min|den|en) sidste (?:besked|sms|snap)|sidste gang (?:i|du) hører fra mig"
            r"|(?:et problem|en byrde|til besvær|til gene) for nogen (?:mere|længere)"
            r"|finder mig (?:død|i morgen|nok i morgen)"
            r"|hvem der skal ha(?:ve)? (?:mine|min|mit) \w+"
            r"|(?:lever|bliver her|er her) kun (?:for|på grund af|pga)"
            r"|hvorfor jeg skal (?:blive ved|fortsætte)(?! med)|hvorfor jeg skal leve"
            r"|(?:stoppe|lade være med|holde op med) at trække vejret"
            r"|(?:bange for|ved ikke) hvad jeg (?:kan|kunne) finde på"
            r"|krop\w* (?:bare )?giver op|sulte\w* mig (?:selv )?ihjel"
            r"|(?:stod|stået|stå|sad|siddet)(?: jeg)? på (?:broen|taget|kanten|altanen)"
            r"|(?:står|sidder) jeg på (?:broen|taget|kanten|altanen)"
            r"|når at fylde \d\d"
            r"|(?:mit hoved|stemmen|stemmerne|en stemme) (?:siger|fortæller|råber) (?:\w+ ){0,3}"
            r"(?:at jeg skal gøre det|at jeg skal dø)",
            negatable=False,
        ),
        # Nobody would miss the writer: a future without them, said as a fact.
        _r(
            r"(?:ingen|ikke nogen) (?:vil|ville|kommer til at|vil nok) (?:\w+ )?savne mig"
            r"|(?:ingen|ikke nogen) ville (?:opdage|lægge mærke til) (?:det )?hvis jeg",
            negatable=False,
            hyperbole=True,
            unless=r"flytte\w*|skifte\w* skole|rejse\w*|tager på|tog på|var syg|var væk fra",
        ),
        _r(
            r"(?:tæt på|klar til|modet til|planlagt hvordan jeg vil) (?:at )?gøre det"
            r"|en plan og en dato|har en plan for"
            r"|(?:tænker|tænkt|tænkte|overvejer|overvejet|planlægger) (?:på |over )?hvordan jeg"
            r" (?:skulle|skal|kunne|ville|vil) gøre det"
        ),
        _r(r"træt af (?:at (?:eksistere|leve|være i live)|livet)", hyperbole=True),
        # Worth, indifference to surviving, and a means at hand, said without naming death.
        _r(
            r"(?:ikke|ik) fortjener at leve|fortjener (?:ikke|ik) at leve|fortjener at dø"
            r"|(?:lige ?meget|ligegyldigt|ligeglad med) om jeg (?:er her|var her|lever|levede"
            r"|kommer hjem|vågner|overlever|dør)"
            r"|om det (?:\w+ )?er (?:det )?værd at (?:blive ved|leve|fortsætte)(?! med)"
            r"|(?:sidder|står|ligger) med (?:en |et |alle )?(?:snor|rebet|pillerne)"
            r"|ingen (?:nogensinde )?(?:ville finde|fandt) mig"
            r"|(?:nogle|nogen|breve|brev) man efterlader"
            r"|(?:fejler|overlever) (?:jeg )?(?:ikke|ik) næste gang"
            r"|næste gang (?:lykkes|virker) det"
            r"|(?:mit|mine) (?:selvmords)?forsøg(?:et)?(?! på| at)"
            r"|hvorfor er jeg (?:overhovedet )?her(?: overhovedet)?(?! i | på | for at)"
            r"|tænk\w* (?:på|over) at (?:stoppe|slutte|ende) det(?: hele)?(?! med| her med)"
            r"|(?:vil|kan|gider|orker) jeg (?:ikke|ik|ikk) (?:leve|være her|være i live)"
            r"|breve? (?:\w+ ){0,4}(?:man efterlader|til når jeg er væk)"
            r"|(?:skal|må) stoppe\W+(?:for )?(?:permanent|for altid|for evigt)"
            r"|måder (?:der )?(?:gør|at dø) (?:mindst|mindre) ondt"
            r"|(?:fortryder|fortrudt|fortrød) (?:\w+ )?(?:at )?(?:jeg|de) overlevede"
            r"|(?:ikke|ik) (?:skal|kommer til at) blive gammel"
            r"|" + _PILLS + r" (?:\w+ )?på (?:\w+ )?(?:forskellige|flere) apotek\w*",
            negatable=False,
        ),
        # Wanting to follow someone who died, a future the writer cannot picture, questions
        # about what follows one's own death or whether a fall kills, and overdoses of one's
        # own medicine told without a number.
        _r(
            r"(?:døde|død|tog sit (?:eget )?liv|taget sit (?:eget )?liv)\W+(?:\w+\W+){0,8}"
            r"(?:jeg (?:vil|ville|har lyst til at|ønsker at)|(?:vil|ville) jeg)"
            r" (?:bare |gerne |helst )?"
            r"(?:(?:være (?:sammen )?(?:med|hos)|med|(?:op |hen )?til) (?:ham|hende|dem)"
            r"(?: igen)?(?!\w| \w)|(?:gøre )?det samme(?!\w| \w))",
            person="none",
            negatable=False,
        ),
        _r(
            r"(?:stoppe|holde op) med at eksistere"
            r"|(?:om|ikke|ik) jeg (?:stadig )?(?:er|vil være) her om"
            r" (?:\d+|et|en|to|tre|et par|nogle)(?!\w)"
            r"|(?:ikke|ik) se mig selv (?:blive|fylde|nå at blive) \d\d(?: år)?(?!\w| \w)"
            r"|hvad sker der (?:\w+ ){0,4}(?:hvis|når) (?:man|jeg) (?:dør|døde|er død)(?! i \w)"
            r"|hvordan man (?:tager|tog) sit (?:eget )?liv|indlagt efter (?:et|mit) forsøg"
            r"|(?:pilleglas\w*|pillerne|piller|medicinen)\W+(?:\w+\W+){0,6}(?:talt|talte|tæller)"
            r" dem"
            r"|(?:dø|død|dør)\W+(?:\w+\W+){0,6}(?:ikke|ik) (?:en |for )?(?:joke|sjov)"
            r" (?:denne gang|i dag|længere)"
            r"|dør man (?:hvis (?:man )?|af at )?(?:hopper|springer|falder|hoppe|springe)"
            r"|(?:drømte|drømmer) (?:\w+ )?(?:om )?at jeg (?:døde|var død)\W+(?:\w+\W+){0,5}"
            r"(?:rart|dejligt|fredeligt|fred)"
            r"|(?:ikke|ik) jeg fejler næste gang"
            r"|(?:skal|skulle) ha(?:ve)? (?:min|mine|mit) \w+ hvis (?:der sker|der skete|jeg)"
            r"|(?:tage|tog|taget|tager|slugte|slugt) (?:nogle |en masse |mange |alle |flere )?"
            r"(?:ekstra |for mange )?(?:af )?(?:mine|sine) (?:" + _PILLS[3:-1] + r"|hormoner)"
            r"(?: \w+)? (?:på (?:én|en) gang|for at se hvad der ske)"
            r"|(?:alle|hele) (?:mine|sine) (?:hormoner|" + _PILLS[3:-1] + r") på (?:én|en) gang",
            negatable=False,
        ),
        # Batch 8 (from the writers' out-of-fold misses, written as general Danish): no
        # reason to go on told with "nogen", not having bothered to live, being born at all,
        # the same thoughts as someone who died, farewells without the word, deciding when it
        # ends, what others get "when I am gone", fear of oneself tonight, no morning left.
        _r(
            r"(?:ikke|ik|ikk) (?:\w+ ){0,2}nogen (?:grund|mening) (?:til|med) at (?:leve"
            r"|fortsætte|blive ved|blive her|være her|være i live)"
            r"|(?:ikke|ik|ikk) (?:gidet|villet|orket|kunnet) (?:at )?(?:leve|være her|være i live)"
            r"|hvorfor skal jeg (?:overhovedet )?(?:leve|blive ved|være her)"
            r"|(?:holde ud|orke|orker) at (?:være i live|leve mere)"
            r"|(?:ikke|ik|ikk) (?:\w+ )?(?:sjovt|rart|værd) at være i live"
            r"|(?:vil|vil gerne|vil bare|ville) (?:gerne |bare )?v(?:æ|ae)re d(?:ø|o|oe)d(?!\w)",
            negatable=False,
        ),
        _r(
            r"(?:har|haft|får|fået|lidt|tænker) (?:selv )?(?:\w+ )?(?:de samme|samme) tanker(?! om)"
            r"|farvel(?:beskeder|besked|brev\w*)"
            r"|farvel (?:til \w+ )?uden at (?:de|nogen|folk) (?:opdager|ved|mærker)"
            r"|bestemme hvornår det (?:hele )?(?:slutter|skal slutte|stopper)"
            r"|(?:når|hvis) jeg er (?:væk|borte|død) (?:kan|må|skal)"
            r"|så (?:de|i|han|hun|mor|far) ved at det (?:ikke|ik) (?:er|var) (?:deres|jeres|hans"
            r"|hendes|din) skyld"
            r"|hvorfor (?:er|var) det (?:ikke|ik) mig der (?:er |var )?(?:død|døde)"
            r"|skuffet (?:\w+ )?når jeg vågner"
            r"|(?:ingen|ikke nogen|ik nogen|ikk nogen) (?:morgen|fremtid) for mig"
            r"|bange for mig selv (?:i aften|i nat|lige nu|og hvad jeg)",
            person="none",
            negatable=False,
        ),
        # Wishing one had never been born: the writer's wish, not a parent's cruel words
        # ("han ville ønske jeg aldrig var født" is the nearest subject's; the match starts
        # after the verb, where "ønske jeg" would read as inverted order).
        _r(
            r"(?:(?<=ønsker )|(?<=ønskede )|(?<=ønske ))(?:jeg )?(?:bare )?(?:at )?jeg (?:bare )?"
            r"(?:aldrig|ikke) (?:var|var blevet|blev|havde været) født",
            negatable=False,
        ),
    ),
    "selvskade": (
        _r(
            r"(?:skær|skære|skærer|skar|skåret|cutter|cutte)(?: i)? mig",
            person="none",
            unless=_ACCIDENT,
        ),
        _r(
            r"(?:skære|skærer|skar|skåret)(?! (?:jeg )?(?:i |op )?(?:brød|grønt|løg|kage|mad|hår"
            r"|pizza|kød|frugt|gulerød|agurk|papir|karton|tomat))(?! ned(?!\w))",
            unless=_ACCIDENT,
        ),
        _r(r"cutt(?:er|e|ing|ede|et)|self ?-?harm\w*|selvskad\w*|selvpåført|(?<!\w)sh(?!\w)"),
        _r(
            r"(?:brænde|brænder|brændte|brændt) mig|ondt på mig selv"
            r"|(?:slå|slår|slog|slået|straffe|straffer|bide|bider|bed) "
            r"(?:mig|sig) selv(?! ihjel)|straffer min krop|fortjener (?:smerte|at have ondt)"
        ),
        _r(
            r"gøre mig selv ondt|gør mig selv ondt|skade (?:på )?mig selv|skade mig"
            r"|med vilje (?:indtil|til) det gør ondt|gør ondt med vilje",
            person="none",
        ),
        _r(
            r"kradse\w* mig|klør mig \w+ \w+ til|dunke\w* (?:mit )?hoved|slå\w* hovedet (?:ind|ned)"
            r"|knytnæven ind|hånden igennem|rids\w* mig"
            r"|ar på (?:låret|lårene|armen|armene|håndleddet)",
            unless=_ACCIDENT,
        ),
        _r(r"(?:trang|lyst) (?:til )?(?:at )?(?:skære|cutte|skade)"),
        _r(
            r"barberblad\w*|barberkniv|blyantspidser|glasskår|kniven (?:igen|frem|hjælper)"
            r"|bladet frem"
        ),
        # Cuts and wounds told as such, harming in the inverted word order ("nogle gange skader
        # jeg mig selv"), pricking, and hiding arms or legs.
        _r(
            r"(?:dybe|mange|nye|friske) snit|snit (?:på|i) (?:min|mine|maven|armen|armene|låret"
            r"|lårene|håndleddet|håndleddene)"
            r"|(?:skader|skadet|skærer|cutter|brænder|slår) jeg (?:i )?mig selv(?! ihjel)"
            r"|(?:klippe|klipper|klippet|klippede|river|rive|rev|flår) (?:jeg )?(?:i )?mig selv"
            r"|(?:river|rive|rev|flår|kradser) mig (?:selv )?(?:i|på) (?:armene|armen|huden"
            r"|benene|låret|lårene|maven)"
            r"|skæring(?:en|er|erne)?(?!\w)|en streg for hver|gøre noget ved mig selv"
            r"|(?:stikker|stak|prikker) (?:jeg )?mig (?:i|med) (?:fingrene|armen|armene|låret"
            r"|lårene|huden|en nål|nåle)"
            r"|skader mig selv|skadet mig selv"
            r"|(?:stikker|stak|stukket|prikker) mig selv",
            person="none",
        ),
        _r(
            r"(?:må|skal) (?:ikke|ik) se mine (?:arme|lår|håndled)"
            r"|(?:ingen|ikke nogen) (?:må|skal) se mine (?:arme|lår|håndled)"
            r"|skjul\w* mine (?:arme|lår|håndled|snit)",
            negatable=False,
        ),
        _r(
            r"mine ar(?!\w)|arene|arrene|mine sår|sårene|lange ærmer|se blod|blodet på mit"
            r"|(?:hoodie|hættetrøje|lange ærmer|langærmet)\W+(?:\w+\W+){0,5}(?:selvom|selv om"
            r"|også når) (?:det er|der er) (?:varmt|hedebølge|sommer|\d+ grader)"
            r"|(?<!negle )(?<!negle helt ned )(?:til|indtil) (?:de|det) bløder|fulde af streger"
            # "stregkode"/"barcode": rows of cuts, in the words young people use for them.
            r"|(?:arm|lår|ben|håndled)\w* (?:\w+ )?(?:ligner|er som|er) en stregkode"
            r"|stregkode på (?:mine|min|mit|armen|armene|låret|lårene|benene)"
            r"|barcode (?:on|på)",
            person="none",
        ),
        # Inverted order after a clause ("når det ikke virker skærer jeg mig"): a negation
        # of this verb would follow the subject, so one before it belongs to the clause before.
        _r(
            r"(?:skærer|skar|cutter|brænder|rister|kradser) jeg (?:i )?mig(?!\w)"
            r"|(?:se|set|opdaget|opdagede|vise) mine (?:arme|håndled)(?! \w)",
            person="none",
            negatable=False,
        ),
        # Batch 8: scissors and ripping at the skin, scratching in the inverted order,
        # harming "my/one's body".
        _r(
            r"saks\w* (?:på|i|mod|ind i) (?:armen|armene|låret|lårene|håndleddet|huden|benet)"
            r"|rive huden af|(?:ridser|ridsede|ridset) (?:jeg )?(?:i )?(?:mig|mine (?:lår|arme"
            r"|håndled|ben))|skade (?:sin|min) krop",
            person="none",
        ),
    ),
    "vold_overgreb": (
        # A threat reported as said: real unless laughed off ("... pizza haha"); a school or
        # homework word nearby does not make it hyperbole ("hvis jeg kommer i skole").
        _r(
            r"(?:sagde|siger|skrev|skriver) (?:at )?(?:han|hun|de) (?:ville|vil|skal|skulle)"
            r" (?:slå|dræbe|stikke|skyde) mig"
            r"|(?:vil|ville|skal|skulle|truer med at|truede med at) (?:\w+ )?slå mig"
            r"(?! selv| ihjel)",
            person="none",
            unless=r"(?<!\w)(?:haha\w*|hehe|lol|jk|xd|for sjov)(?!\w)|😂|🤣|💀|😅|😆",
        ),
        _r(
            r"(?:slår|slog|slået|sparker|sparkede|sparket|tæsker|tæskede|tævet|tæver|tævede"
            r"|banker|bankede|griber efter|greb efter"
            r"|kvæler|kvalte|skubber|skubbede|hiver|hev|ruskede|rusker|truer|truede|tvang|"
            r"låser|låste|låst|fulgte efter|tog fat i|tager fat i) mig(?! selv| ihjel)",
            person="none",
        ),
        _r(
            r"(?:han|hun|far|mor|stedfar|stedmor|min fars kæreste) (?:\w+ )?slår"
            r"(?! op| sig| mig ihjel)",
            person="victim",
        ),
        _r(
            r"(?:slår|slog|sparker|ryster) (?:hende|min mor|mor|min lillebror|min bror|os)",
            person="victim",
        ),
        _r(
            r"(?:rører|rørte|(?<!det )tog|rører) (?:ved )?mig"
            r"(?! (?:\d|seriøst|alvorligt)(?!\w))"
            r"|rør\w* ved (?:mig|mit|min|mine)(?!\w)(?! (?:ting|telefon\w*|mobil\w*|tøj\w*"
            r"|computer\w*|pc|taske\w*|sager|bøger|mad|penge|spil\w*))|tog mig på",
            person="none",
        ),
        # Touching told by the body part, and exposure.
        _r(
            r"(?:rører|rørte|tager|tog|griber|greb|klemmer|klemte|lægger|lagde) (?:mig )?"
            r"(?:på |ved |i )?(?:min|mine|mit) (?:røv|numse|bryster|bryst|skridt|tissekone"
            r"|tissemand|lår|inderlår)(?!\w)"
            r"|(?:tager|tog|rører|rørte|tager på|tog på) mig mellem benene"
            r"|(?:hånd|hånden|hænderne|hænder) (?:\w+ )?på"
            r" (?:mit lår|mine lår|min røv|mine bryster)"
            r"|blott\w* sig",
            person="victim",
        ),
        _r(
            r"voldt(?:ag|æg|og)\w*|overgreb\w*|misbrugt|misbrugte|krænk\w*|seksuelt",
            person="victim",
        ),
        _r(
            r"presser mig til sex|(?:ting|noget) (?:ved|mod) mig|beskeder om sex|befølt|beføler"
            r"|befamle\w*|(?:hans|min) lille pige|vågnede uden tøj",
            person="victim",
        ),
        _r(
            r"sextort\w*|afpres\w*|nøgenbillede\w* af mig|nudes|billeder uden tøj|dickpic"
            r"|(?:dick|pik) ?pic\w*|(?:mit|mine) nøgenbillede\w*"
            r"|bikinibilleder|billeder i (?:bikini|undertøj)|undertøjsbilleder"
            r"|(?:billede|video)\w* af mig nøgen"
            r"|billeder (?:af mig )?(?:op under|fra omklædningen)",
            person="victim",
            unless=_PEER_NUDES,
            unless_not_in_message=_NUDES_RISK,
        ),
        _r(
            r"truer med at (?:dele|sende|lægge)|(?:dele|sende|lægge) (?:mine|vores) (?:billeder|"
            r"videoer|nudes)",
            person="victim",
        ),
        _r(
            r"blå mærker|blåt øje|(?<!som at få en )(?<!som en )lussing\w*|kvælertag"
            r"|(?<!jeg )(?<!jeg en )(?<!jeg er )voldelig|(?<!jeg )går amok|vold(?!\w)",
            person="victim",
            unless=_TOPIC + "|" + _NOT_ABUSE_BRUISES,
        ),
        _r(
            r"vores (?:lille )?hemmelighed|(?:ikke|ik) (?:må|måtte) (?:sige|fortælle) (?:det )?til",
            person="victim",
        ),
        _r(r"tru\w* (?:med at|til at) (?:slå(?! mig ihjel)|dræbe|stikke|skyde)", person="none"),
        _r(r"(?:spørger|beder|presser) (?:\w+ ){0,3}om (?:billeder|nudes|nøgenbilleder)"),
        _r(
            r"(?:slå|dræbe|stikke|skyde|slår|dræber) mig (?:ihjel|ned)",
            person="none",
            hyperbole=True,
        ),
        _r(
            r"holdt mig (?:fast|nede)|holder mig nede|(?:tager|tog|tage) kvælertag på mig",
            person="none",
        ),
        _r(
            r"(?:gjorde|gjort|gør) (?:ting|noget) (?:ved|mod) mig|gør ved min mor|det han gjorde"
            r"|noget i min drink",
            person="none",
        ),
        _r(
            r"voksen mand|ældre fyr|han er (?:[2-9]\d)|alder (?:er )?bare et tal"
            r"|moden for (?:min|din|sin) alder",
            person="victim",
        ),
        _r(r"overfald\w*|tvunget til|tvangsægteskab|for at blive gift", person="victim"),
        _r(
            r"tør (?:ikke|ik) (?:gå|komme|tage) hjem|bange for at (?:gå|komme) hjem",
            negatable=False,
            person="victim",
        ),
        _r(r"(?:glas|ting) der (?:smadres|bliver smidt)|mor der skriger", person="victim"),
        # Beatings told in the passive or as a noun, the inverted word order ("hiver hun mig i
        # håret"), spitting, touching in the perfect tense, hands on intimate places, a
        # parent's violence witnessed, hiding from a parent, forced marriage.
        _r(
            r"(?:bliver|blev|blevet) (?:banket|tævet|tæsket|slået)(?! op| ud| ihjel| sammen)"
            r"|(?:får|fik|fået) (?:\w+ )?(?:tæsk|tæv|bank|prygl|lussinger)(?!\w)"
            r"|(?:slår|slog|hiver|hev|sparker|sparkede|skubber|skubbede|tæsker|banker|kvæler"
            r"|ryster|rystede)"
            r" (?:han|hun|de|far|mor) mig(?! selv| ihjel)"
            r"|spytte\w* på mig|rørt (?:ved )?mig"
            r"|hånd\w* (?:\w+ )?(?:på|under|ned i) (?:min|mine)"
            r" (?:numse|røv|bryster|trusser|bukser|lår)"
            r"|(?:set|så|ser|høre|hører|hørt) (?:min )?(?:far|mor|stedfar|stedmor) slå"
            r"|vågnede uden (?:bukser|trusser)"
            r"|(?:river|rev|flår|hiver|hev|trækker|trak) (?:\w+ )?mig i (?:håret|mit hår|mine \w+)"
            r"|(?:tager|tog|holder|holdt|tage) mig (?:om|på) halsen|hænder\w* om (?:min )?hals"
            r"|(?:klemmer|klemte|niver|nev|klasker|klaskede) mig (?:bagi|i røven|i numsen)"
            r"|glemme hvad (?:han|hun|min \w+) gjorde"
            r"|(?:holdt|holder) (?:han|hun|de) mig (?:fast|nede)"
            r"|(?:holdt|holder|holdte) (?:mit|mig med) hoved\w* under vand\w*"
            r"|(?:binder|bandt|bundet) (?:mig|min \w+) fast"
            r"|(?:far|mor|stedfar|stedmor) (?:\w+ )?dræbte (?:min )?(?:mor|far)"
            r"|(?:vil|ville|skal|skulle) (?:\w+ )?tage mig (?:efter|bagefter|når)"
            r"|unless (?:i|you) pay"
            r"|(?:tager|tog|rører|rørte) på mig(?!\w| selv)"
            r"|(?:sparker|sparkede|sparket|slår|slog|tæsker) (?:\w+ )?til mig"
            r"|(?:gjort|gjorde) noget(?: ved mig)?\W+(?:\w+\W+){0,3}(?:kan|tør) (?:ikke|ik)"
            r" (?:skrive|sige|fortælle) det"
            r"|vågnede (?:op )?(?:hjemme hos|i seng med|i sengen hos|hos) (?:en|nogen) (?:som )?jeg"
            r" (?:ikke|ik) (?:kender|kendte)"
            r"|(?:skal|skulle) giftes med"
            r"|kigge\w* på mig (?:i badet|når jeg (?:er nøgen|klæder om))"
            r"|gemme\w* mig (?:\w+ ){0,4}(?:når|for) (?:min )?(?:far|mor|stedfar|stedmor)",
            person="victim",
        ),
        # A weapon aimed at the writer, a door or wall broken in rage, a blow to the head, and
        # a marriage the family decides.
        _r(
            r"(?:pistol|luftpistol|gevær|luftgevær|kniv)\w*\W+(?:\w+\W+){0,3}sigte\w* på mig"
            r"|(?:truer|truede|truet) mig med (?:en |et |sin |sit )?(?:kniv|pistol|våben|bat"
            r"|bælte|bæltet|kølle)"
            r"|(?:kniv|kniven|pistol\w*|luftpistol\w*|luftgevær\w*) (?:mod|på) mig"
            r"|(?:han|hun|de|far|mor|stedfar|papfar|bonusfar|stedmor) (?:\w+ ){0,2}"
            r"(?:slået|slog|slår|sparket|sparkede|sparker) hul i (?:døren|døre|væggen|væggene)"
            r"|(?:flaske|sten|knytnæve|glas) i hovedet"
            r"|(?:vil|vil have|bestemt) (?:at )?jeg skal (?:gifte mig|giftes)"
            r"|gifte mig med (?:min fætter|min kusine|en mand jeg|en jeg ikke)",
            person="victim",
        ),
        # Batch 8: violence between the adults at home, seen or heard (DESIGN.md: witnessed
        # violence at home is abuse), a partner's control, payment for images, a beating
        # called by its slang, a crisis shelter, a passport taken, a forced wedding date.
        _r(
            r"(?:set|så|ser|hørt|hører|høre) (?:mine forældre|dem|far og mor|mor og far) (?:slås"
            r"|slå hinanden)"
            r"|(?:set|så|ser|hørt|hører) (?:ham|hende) slå (?:hende|ham|min mor|mor|min far|far)"
            r"|(?:far|mor|stedfar|stedmor|papfar|bonusfar) (?:\w+ ){0,2}(?:slået|slog|slår|sparker"
            r"|sparkede) (?:min )?(?:mor|far)(?!\w)"
            r"|slår ens mor|ved at slå (?:min )?(?:mor|far)(?!\w)"
            r"|k(?:æ|ae)reste (?:\w+ ){0,3}(?:bestemmer|kontrollerer|kontrollerede) (?:hvad jeg"
            r"|hvem jeg)"
            r"|(?:penge|betale|betalt|betaler) (?:\w+ ){0,6}(?:videoer|billeder) af mig"
            r"|(?:videoer|billeder) af mig (?:\w+ ){0,6}(?:penge|betale|betaler)"
            r"|(?:fik|fået|får) en (?:smøre|på kassen|på hovedet)(?!\w)"
            r"|krisecenter\w*|taget mit pas|jeg skal (?:snart )?giftes|ha(?:ve)? mig gift"
            r"|seksuel(?:le)? (?:besked\w*|billede\w*|snap\w*)|op under min (?:kjole|nederdel)",
            person="victim",
        ),
    ),
}


Outcome = Literal["self", "other", "negated", "hyperbole"]
OUTCOMES: tuple[Outcome, ...] = ("self", "other", "negated", "hyperbole")


# One alternation per tag (and one for all): most messages and clauses match nothing, and a
# single search is far cheaper than a hundred. Only a clause that matches is examined rule by
# rule.
# The word-start lookbehind is factored out so the alternation is only tried at word starts.
def _inner(rule: Rule) -> str:
    return rule.pattern.pattern.removeprefix(_WORD_START)


# Both gates are factored by first letters (`alternation.factor`): the same matches, without
# trying every alternative at every word start.
_ANY_BY_TAG: dict[str, re.Pattern[str]] = {
    tag: re.compile(_WORD_START + factor(_inner(r) for r in rules)) for tag, rules in RULES.items()
}
_ANY = re.compile(_WORD_START + factor(_inner(r) for rules in RULES.values() for r in rules))
# Inside a clause that matches, which of a tag's rules match: the gate as a lookahead gives
# every word start where some rule matches (overlapping or not), and there one anchored pattern
# of optional lookaheads, one group per rule, says which. Only those rules are then run over
# the clause: the same outcomes as running all ~40, at a fraction of the calls.
_GATE_AT: dict[str, re.Pattern[str]] = {
    tag: re.compile(_WORD_START + "(?=" + factor(_inner(r) for r in rules) + ")")
    for tag, rules in RULES.items()
}
_RULE_GROUPS: dict[str, tuple[str, ...]] = {
    tag: tuple(f"r{i}" for i in range(len(rules))) for tag, rules in RULES.items()
}
_RULES_AT: dict[str, re.Pattern[str]] = {
    tag: re.compile(
        "".join(
            f"(?:(?=(?P<{g}>{_inner(rule)}))|)"
            for g, rule in zip(_RULE_GROUPS[tag], rules, strict=True)
        )
    )
    for tag, rules in RULES.items()
}


def matching_rules(tag: str, clause: str) -> list[Rule]:
    """The rules of `tag` whose pattern matches somewhere in `clause`, in RULES order."""
    rules = RULES[tag]
    at, groups = _RULES_AT[tag].match, _RULE_GROUPS[tag]
    hit: set[int] = set()
    for gate in _GATE_AT[tag].finditer(clause):
        found = at(clause, gate.start())
        if found is not None:
            hit.update(i for i, g in enumerate(found.group(*groups)) if g is not None)
    return [rules[i] for i in sorted(hit)]


_NOTHING_FOUND: tuple[tuple[str, frozenset[Outcome]], ...] = tuple(
    (tag, frozenset()) for tag in RULES
)


def crisis_analysis(normalised: str) -> dict[str, frozenset[Outcome]]:
    """Cached view of `_analyse`: a batch computes it for features and for the rule."""
    return dict(_analyse(normalised))


@lru_cache(maxsize=16384)
def _analyse(normalised: str) -> tuple[tuple[str, frozenset[Outcome]], ...]:
    """For each crisis tag, what became of its lexicon matches in normalised text.

    "self" means the rule fires; the other outcomes say why a match was set aside (someone
    else's experience, denied, hyperbole). The model gets these as features, so that, for
    example, a friend's self-harm becomes evidence for `venskab`.
    """
    if _ANY.search(normalised) is None:  # ~84 % of messages
        return _NOTHING_FOUND
    found: dict[str, set[Outcome]] = {tag: set() for tag in RULES}
    index = ClauseIndex.of(normalised)
    for tag in RULES:
        # Only clauses where some rule of this tag matches are examined, and there only the
        # rules that match.
        hit = sorted({index.number(m.start()) for m in _ANY_BY_TAG[tag].finditer(normalised)})
        for k in hit:
            clause = index.clause(k).strip()
            everyday = is_everyday(index, k)
            for rule in matching_rules(tag, clause):
                found[tag].update(_outcomes(rule, clause, everyday, normalised))
        if hit:
            found[tag].update(spanning_outcomes(tag, normalised, index))
    return tuple((tag, frozenset(outcomes)) for tag, outcomes in found.items())


# Rules whose patterns run across punctuation ("\W+"): "han har gjort noget, men jeg kan ikke
# skrive det", "min far døde ... nu vil jeg det samme". Clauses split at commas, "men" and
# sentence ends before any rule is tried, so these were only ever matched inside one clause.
_SPANNING: dict[str, tuple[Rule, ...]] = {
    tag: tuple(r for r in rules if r"\W+" in r.pattern.pattern) for tag, rules in RULES.items()
}


def spanning_outcomes(tag: str, normalised: str, index: ClauseIndex) -> set[Outcome]:
    """Outcomes of the matches of `tag`'s spanning rules that cross a clause boundary, each
    judged within the clauses it spans (a match inside one clause is the clause pass's)."""
    seen: set[Outcome] = set()
    if len(index.starts) == 1:  # one clause: nothing to cross
        return seen
    for rule in _SPANNING[tag]:
        for m in rule.pattern.finditer(normalised):
            first, last = index.number(m.start()), index.number(max(m.end() - 1, m.start()))
            if first == last:
                continue
            offset = index.starts[first]
            span = normalised[offset : index.ends[last]]
            if _set_aside(rule, span, normalised):
                continue
            everyday = is_everyday(index, first)
            seen.add(_judge(rule, span, m.start() - offset, m.end() - offset, everyday))
    return seen


def is_everyday(index: ClauseIndex, k: int) -> bool:
    """Clause `k` has an everyday trigger, or is a bare exclamation ("kms", "vil dø") that
    answers the sentence before it, which has one."""
    clause = index.clause(k)
    return has_everyday_trigger(clause) or (
        k > 0 and len(clause.split()) <= 3 and has_everyday_trigger(index.clause(k - 1))
    )


def crisis_hits(normalised: str) -> set[str]:
    """Crisis tags the lexicon finds for the writer's own situation in normalised text."""
    return {tag for tag, outcomes in crisis_analysis(normalised).items() if "self" in outcomes}


def _outcomes(rule: Rule, clause: str, everyday: bool, message: str) -> set[Outcome]:
    if _set_aside(rule, clause, message):
        return set()
    return {
        _judge(rule, clause, m.start(), m.end(), everyday) for m in rule.pattern.finditer(clause)
    }


def _set_aside(rule: Rule, clause: str, message: str) -> bool:
    """The clause is about something else (`unless`), and the message does not say otherwise."""
    return (
        rule.unless is not None
        and rule.unless.search(clause) is not None
        and not (rule.unless_not_in_message and rule.unless_not_in_message.search(message))
    )


def _judge(rule: Rule, clause: str, start: int, end: int, everyday: bool) -> Outcome:
    """What becomes of one match at clause[start:end]."""
    if rule.hyperbole and everyday:
        return "hyperbole"
    if (rule.person == "subject" and is_other_person(clause, start)) or (
        rule.person == "victim" and is_friends_experience(clause, start, end)
    ):
        return "other"
    if rule.negatable and is_negated(clause, start, end):
        return "negated"
    return "self"
