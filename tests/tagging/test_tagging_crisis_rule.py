"""The crisis lexicon on its own, against the labelling rules of DESIGN.md."""

from __future__ import annotations

import pytest

from tagging.crisis import crisis_hits
from tagging.features import normalise


def hits(text: str) -> set[str]:
    return crisis_hits(normalise(text))


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("jeg vil bare sove og ikke vågne", "selvmordstanker"),
        ("har samlet piller i skuffen", "selvmordstanker"),
        ("vil ik gøre noget, men tænker på at dø hver dag", "selvmordstanker"),
        ("hvor mange panodiler skal man tage? spørger for en opgave", "selvmordstanker"),
        ("sidste år tog jeg en overdosis, det er ovre nu", "selvmordstanker"),
        ("Jeg Vil IKK Leve Mere", "selvmordstanker"),
        ("jeg kan ikke stoppe med at cutte", "selvskade"),
        ("jeg skar mig i 8. klasse men er stoppet", "selvskade"),
        ("min stedfar rører ved mig om natten", "vold_overgreb"),
        ("han truer med at dele mine nudes", "vold_overgreb"),
        ("min far siger han slår mig ihjel hvis jeg siger noget", "vold_overgreb"),
    ],
)
def test_fires_for_the_writers_own_crisis(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "matematik slår mig ihjel 💀",
        "kms over den eksamen fr",
        "har aldrig haft selvmordstanker, er bare stresset",
        "min veninde skærer i sig selv",
        "min veninde skrev at hun vil dø",
        "min onkel begik selvmord sidste år",
        "min mor har aldrig slået mig, hun råber bare",
        "skal jeg springe ud for mine forældre",
        "vi ser en film om selvmord i dansk",
    ],
)
def test_does_not_fire_on_traps(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # farewells and a future without the writer
        ("dette er min sidste besked til jer", "selvmordstanker"),
        ("snart er jeg ikke en byrde for nogen mere", "selvmordstanker"),
        ("har skrevet ned hvem der skal have mit tøj", "selvmordstanker"),
        ("jeg bliver her kun på grund af min lillesøster", "selvmordstanker"),
        ("har gemt mine lykkepiller i en æske", "selvmordstanker"),
        ("i går aftes stod jeg på broen længe", "selvmordstanker"),
        # the inverted word order, cuts, hiding
        ("hver aften skærer jeg i mig selv", "selvskade"),
        ("når det bliver for meget skader jeg mig selv", "selvskade"),
        ("har nye snit på lårene", "selvskade"),
        ("ingen må se mine arme", "selvskade"),
        # beatings in the passive or as a noun, inverted, witnessed
        ("jeg blev tævet af min stedfar i går", "vold_overgreb"),
        ("jeg får tæsk når jeg glemmer at tømme opvaskeren", "vold_overgreb"),
        ("hver gang han er fuld sparker han mig", "vold_overgreb"),
        ("jeg har set min stedfar slå min mor", "vold_overgreb"),
        ("hans hånd var under mine trusser", "vold_overgreb"),
        # sixth round: nobody would miss the writer, "stregkode" cuts, grooming flattery
        ("ikke nogen kommer til at savne mig", "selvmordstanker"),
        ("ingen ville lægge mærke til det hvis jeg bare var væk", "selvmordstanker"),
        ("har skrevet hvem der skal ha mine sneakers", "selvmordstanker"),
        ("mine arme er en stregkode nu", "selvskade"),
        ("træneren skriver at jeg er så moden for min alder", "vold_overgreb"),
        # seventh round: gaps in the out-of-fold misses of many writers
        ("jeg vil helst bare være død", "selvmordstanker"),
        ("ville ønske det var mig der døde i stedet", "selvmordstanker"),
        ("lol prøvede at tage mit liv sidste år", "selvmordstanker"),
        ("hvordan siger man farvel til sin familie uden de opdager det", "selvmordstanker"),
        ("hans ven tog mig mellem benene i bussen", "vold_overgreb"),
        ("chefen lagde hånden på mit lår igen", "vold_overgreb"),
        ("en mand blottede sig for mig i parken", "vold_overgreb"),
    ],
)
def test_fires_on_indirect_crisis_language(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "jeg har ikke skadet mig selv, jeg er bare træt",
        "jeg ved ikke hvorfor jeg skal blive ved med at spille fodbold",
        "har en ven der bliver slået derhjemme, hvad gør jeg",
        "vi blev slået ud i semifinalen",
        "hun har slået op med mig",
        "tak for hjælpen, det var min sidste eksamen",
        "ingen vil savne mig til festen haha",
        "ingen ville opdage det hvis jeg flyttede til jylland",
        "scanneren kan ikke læse stregkoden på pakken",
        "tager mine lårmål hver morgen",
        "min veninde lagde hånden på min skulder og sagde det nok skal gå",
        "bolden gik mellem benene på målmanden lol",
        "jeg var så træt at jeg ville ønske det var weekend",
    ],
)
def test_the_indirect_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # Worth, indifference to surviving, means at hand, farewell letters.
        ("føler at jeg ikke fortjener at leve efter det jeg har gjort", "selvmordstanker"),
        ("er ligeglad med om jeg vågner i morgen", "selvmordstanker"),
        ("ved ik om det stadig er værd at fortsætte", "selvmordstanker"),
        ("ligger med pillerne i sengen nu", "selvmordstanker"),
        ("har skrevet et par breve som man efterlader", "selvmordstanker"),
        ("overvejer hvordan jeg kunne gøre det uden at mor finder mig", "selvmordstanker"),
        ("gemmer mine sovepiller i en sok", "selvmordstanker"),
        ("hvad sker der hvis man tager 20 af mors sovepiller", "selvmordstanker"),
        ("vil helst dø end at skulle hjem til ham igen", "selvmordstanker"),
        # Inverted word order and the noun for cutting.
        ("når det bliver for meget kradser jeg mig til blods", "selvskade"),
        ("skæringen er begyndt igen efter sommerferien", "selvskade"),
        ("har lyst til at gøre noget ved mig selv når de skændes", "selvskade"),
        # Abuse told by what happens.
        ("min storebror tævede mig igen i går", "vold_overgreb"),
        ("en mand på insta sendte en dick pic og jeg er 13", "vold_overgreb"),
        ("han skrev at han ville stikke mig hvis jeg sladrede", "vold_overgreb"),
        ("hun river mig i håret når hun er fuld", "vold_overgreb"),
        ("han holdt mig om halsen til jeg næsten besvimede", "vold_overgreb"),
        ("en kollega klemmer mig i numsen på lageret", "vold_overgreb"),
        ("vil bare glemme hvad han gjorde den sommer", "vold_overgreb"),
        ("de vil ha billeder i undertøj før de betaler", "vold_overgreb"),
        ("først får jeg ingen mad og så slår hun mig med bøjlen", "vold_overgreb"),
    ],
)
def test_fires_on_worth_means_and_abuse_told_by_what_happens(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "ved ikke om det er værd at fortsætte med klaver",
        "min lillebror sagde han ville dræbe mig hvis jeg tog hans lader haha",
        "vi skal skrive om det at fortjene noget i dansk",
        "på hans fødselsdag skar jeg kagen ud til alle",
        "fik ik lov at komme med og så slog hun op med mig",
        "hendes kæreste hev hende i håret til festen, hvad skal jeg gøre",
    ],
)
def test_the_new_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("er bare så træt af at eksistere efter det hele", "selvmordstanker"),
        ("fortryder at jeg overlevede sidste gang", "selvmordstanker"),
        ("har samlet panodiler fra flere forskellige apoteker", "selvmordstanker"),
        ("ved bare at jeg ikke kommer til at blive gammel", "selvmordstanker"),
        ("ville ønske bare at jeg ikke eksisterede", "selvmordstanker"),
        ("kan ikke gå i svømmehallen pga arrene på armene", "selvskade"),
        ("efter timen holdt de mig fast og tog min mobil", "vold_overgreb"),
        ("stedfar truer med at slå mig hvis jeg fortæller det", "vold_overgreb"),
        ("they say they will post it unless i pay 500", "vold_overgreb"),
        ("mor bandt mig fast til sengen da jeg var lille", "vold_overgreb"),
    ],
)
def test_fires_on_tiredness_of_living_scars_and_threats(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "så træt af at leve uden wifi lol",
        "binder snørebåndene fast før løbet",
        "min bror sagde han ville slå mig i fifa haha",
    ],
)
def test_tiredness_and_threat_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("har læst om hvordan man hænger sig hele natten", "selvmordstanker"),
        ("har skrevet nogle man efterlader til mor og far", "selvmordstanker"),
        ("sidste gang gik det galt men jeg fejler ik næste gang", "selvmordstanker"),
        ("efter mit forsøg i foråret er alle så forsigtige med mig", "selvmordstanker"),
        ("hvorfor er jeg overhovedet her", "selvmordstanker"),
        ("ligger og tænker på at ende det hele", "selvmordstanker"),
        ("hvis de finder ud af det vil jeg ikke leve", "selvmordstanker"),
        ("er bare så træt af livet for tiden", "selvmordstanker"),
        ("når det bliver for meget stikker jeg mig med nåle", "selvskade"),
        ("en kunde tager på mig når chefen ikke ser det", "vold_overgreb"),
    ],
)
def test_fires_on_methods_letters_past_attempts_and_touching(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "træt af livet lol har 3 afleveringer i morgen",
        "mit forsøg på at lære at skate gik dårligt",
        "hvorfor er jeg her i chatten, jeg ved ik hvad jeg skal skrive",
        "tænker på at stoppe det med fodbold",
        "jeg tager på mig selv af al den slik",
    ],
)
def test_the_method_and_letter_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("min morfar døde i påsken og jeg vil bare op til ham", "selvmordstanker"),
        ("siden min kusine tog sit liv tænker jeg at jeg vil gøre det samme", "selvmordstanker"),
        ("tror ikke jeg er her om et år", "selvmordstanker"),
        ("kan ikke se mig selv fylde 20", "selvmordstanker"),
        ("hvad sker der med min discord hvis jeg dør", "selvmordstanker"),
        ("dør man hvis man springer fra en p-kælder", "selvmordstanker"),
        ("drømmer tit om at jeg døde og så var der bare fred", "selvmordstanker"),
        ("slugte en masse af mine sovepiller på en gang i går", "selvmordstanker"),
        ("vil bare stoppe med at eksistere", "selvmordstanker"),
        ("har klippet i mig selv med en neglesaks", "selvskade"),
        ("jeg river mig på armene når jeg ikke kan sove", "selvskade"),
        ("hvis det ikke hjælper at løbe så brænder jeg mig", "selvskade"),
        ("han har en kniv og sidder og sigter på mig når han er fuld", "vold_overgreb"),
        ("stedfar truede mig med bæltet", "vold_overgreb"),
        ("mor har sparket hul i døren til mit værelse igen", "vold_overgreb"),
        ("familien har bestemt at jeg skal giftes til sommer", "vold_overgreb"),
    ],
)
def test_fires_on_following_the_dead_futures_overdoses_and_weapons(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "min morfar døde og jeg vil gerne være med dem til begravelsen",
        "hun døde i filmen og jeg ville gøre det samme som hovedpersonen",
        "kan ikke se mig selv blive 30 og have børn",
        "vi spillede paintball og han sigtede på mig hele tiden",
        "jeg slog hul i døren da jeg tabte i fifa",
        "min hund døde og jeg vil gerne have en ny",
        "tog en af mine allergipiller i morges",
    ],
)
def test_the_following_and_weapon_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("not me der får bank af min far igen 💀", "vold_overgreb"),
        ("hvad sker der med ens tiktok når man er død", "selvmordstanker"),
        ("har søgt på hvordan man tager sit liv", "selvmordstanker"),
        ("var indlagt efter mit forsøg i vinter", "selvmordstanker"),
        ("hældte pillerne ud på bordet og talte dem", "selvmordstanker"),
        ("vil bare dø lol og det er ikke en joke denne gang", "selvmordstanker"),
        ("har altid hættetrøje på selvom det er 28 grader", "selvskade"),
        ("drengene i omklædningen sparker til mig", "vold_overgreb"),
        ("min træner har gjort noget og jeg tør ikke sige det", "vold_overgreb"),
        ("vågnede hjemme hos en jeg ikke kendte efter festen", "vold_overgreb"),
    ],
)
def test_fires_on_ironic_confessions_counted_pills_and_hidden_arms(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "not me der glemte min madpakke igen 💀",
        "har hættetrøje på fordi jeg fryser",
        "hvad sker der når man dør i minecraft hardcore",
        "talte pillerne i min vitaminbøtte",
        "han sparker til bolden hele frikvarteret",
    ],
)
def test_the_confession_and_hidden_arm_rules_keep_out_of_near_misses(text: str) -> None:
    assert hits(text) == set()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # Written for this batch, not taken from the corpus: what the new exceptions must keep.
        (
            "min stedfar gav mig et blåt øje i går og sagde jeg skulle sige det var fra fodbold",
            "vold_overgreb",
        ),
        ("far går amok når han har drukket og så gemmer vi os", "vold_overgreb"),
        ("jeg skar mig igen i nat, dybere end før", "selvskade"),
        ("jeg skærer i mig selv når jeg ikke kan mere", "selvskade"),
        ("jeg vil dø, har tænkt på det siden festen", "selvmordstanker"),
        ("min kæreste slår mig og jeg har blå mærker på armene", "vold_overgreb"),
    ],
)
def test_bruise_topic_and_cut_down_exceptions_keep_real_crises(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "fik et blåt øje til håndbold i går haha, ser sej ud",
        "har blå mærker overalt efter kampsport, er det normalt",
        "vi skal skrive en stil om vold i hjemmet, har i kilder",
        "jeg laver et projekt om selvmord blandt unge til samfundsfag",
        "jeg går amok hvis min bror tager min oplader igen",
        "jeg prøver at skære ned på sukker og kaffe",
        "jeg napper mig selv til der kommer blå mærker",
        "kms hvis fortnite lukker ned igen",
        "skyder mig selv hvis jeg skal til endnu en familiefest",
    ],
)
def test_bruise_topic_and_cut_down_exceptions_near_misses(text: str) -> None:
    assert not {"vold_overgreb", "selvmordstanker", "selvskade"} & hits(text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # Batch 7, written for it: what the new exceptions and readings must keep or find.
        ("min kæreste voldtog mig da vi var i sommerhus", "vold_overgreb"),
        ("min gamle ven krænkede mig efter træning og nu tør jeg ikke komme der", "vold_overgreb"),
        ("jeg skærer ikke længere men trangen er der hver aften", "selvskade"),
        (
            "har ikke haft lyst til at skade mig selv siden sommerferien, men nu er det tilbage",
            "selvskade",
        ),
        ("jeg skar mig med vilje, det var ikke et uheld", "selvskade"),
        ("min far slår mig ihjel hvis han finder ud af at jeg har en kæreste", "vold_overgreb"),
        ("han slår mig når han er fuld", "vold_overgreb"),
        ("jeg vil bare dø, jeg kan ikke mere", "selvmordstanker"),
        ("jeg har lyst til at hoppe ud af vinduet og ikke vågne igen", "selvmordstanker"),
        ("han tog mig på låret i bussen", "vold_overgreb"),
    ],
)
def test_batch_7_keeps_real_crises(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "jeg har aldrig haft lyst til at gøre skade på mig selv, jeg er bare træt af skolen",
        "har aldrig været udsat for noget overgreb, men jeg er nervøs før første gang",
        "det er ikke sådan at jeg vil tage mit liv, jeg keder mig bare",
        "jeg skærer ikke i mig selv, mærkerne er fra vores hund",
        "jeg er ved at dø af grin over den video",
        "mor slår mig ihjel når hun ser min karakter i matematik hahaha",
        "min storesøster truer med at slå mig ihjel hvis jeg låner hendes makeup 😂",
        "skar mig på en sardindåse, skal det syes?",
        "det tog mig to år at lære at svømme",
        "min lillesøster rører ved mine ting hele tiden",
        "matematiklæreren giver mig lyst til at springe ud af vinduet lol",
        "vores to klasser er blevet slået sammen i år",
        "afleveringen er i morgen og jeg har ikke skrevet noget. kms",
        "jeg har et ar på armen fra en ulykke på cyklen",
    ],
)
def test_batch_7_near_misses(text: str) -> None:
    assert not {"vold_overgreb", "selvmordstanker", "selvskade"} & hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "min kæreste truer med at sende mine nudes til hele skolen",
        "min kæreste på 22 vil have nudes af mig",
        "min kæreste vil have nudes. han er 20 og jeg er 15",
        "min ex har delt mine nudes i en gruppechat",
        "min kæreste vil have nudes og siger jeg skal betale hvis jeg ikke sender flere",
    ],
)
def test_nudes_with_sharing_threats_money_or_an_age_gap_stay_abuse(text: str) -> None:
    assert "vold_overgreb" in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "min kæreste bliver ved med at spørge efter nudes, vi er begge 15",
        "der går rygter om at jeg har sendt nudes, men det er løgn",
        "er det ulovligt at sende nudes til min kæreste når vi er 16",
    ],
)
def test_nudes_between_peers_are_not_abuse_by_the_rule(text: str) -> None:
    assert "vold_overgreb" not in hits(text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("skar mig ikke i nat selvom trangen var helt vildt stor", "selvskade"),
        ("en fyr tog mig med ind på et værelse og jeg sagde nej", "vold_overgreb"),
        ("nogen rørte mig uden at jeg ville det", "vold_overgreb"),
        ("jeg kradser mig til det bløder når jeg er alene", "selvskade"),
    ],
)
def test_objects_before_a_denial_keep_real_crises(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "jeg skærer mig ikke eller sådan, jeg er bare trist",
        "far slår mig aldrig, han bliver bare tavs",
        "jeg bider negle til det bløder når jeg har prøver",
        "læreren tog mig seriøst da jeg sagde jeg var stresset",
    ],
)
def test_objects_before_a_denial_near_misses(text: str) -> None:
    assert not {"vold_overgreb", "selvmordstanker", "selvskade"} & hits(text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # Batch 8, written for it (not corpus sentences): the kinds the writers' misses showed.
        ("jeg kan ikke se nogen mening med at leve længere", "selvmordstanker"),
        ("har ikke orket at leve i lang tid nu", "selvmordstanker"),
        ("hvorfor skal jeg blive ved, ingen savner mig", "selvmordstanker"),
        ("min kusine tog sit liv og jeg har fået de samme tanker som hun havde", "selvmordstanker"),
        ("har skrevet farvelbreve og lagt dem i skuffen", "selvmordstanker"),
        ("når jeg er væk skal min lillesøster have min telefon", "selvmordstanker"),
        ("jeg ville ønske jeg aldrig var blevet født", "selvmordstanker"),
        ("tog saksen ind i låret igen i nat", "selvskade"),
        ("jeg har set mine forældre slå hinanden hele weekenden", "vold_overgreb"),
        ("min stedfar slog min mor i går aftes", "vold_overgreb"),
        ("vi er flyttet på krisecenter med min mor", "vold_overgreb"),
        ("min kæreste kontrollerer hvem jeg snakker med", "vold_overgreb"),
    ],
)
def test_batch_8_finds_indirect_crises(text: str, tag: str) -> None:
    assert tag in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "min mor sagde hun ville ønske jeg aldrig var født",
        "mine venner og jeg har de samme tanker om skolen",
        "jeg er bange for mig selv når jeg bliver sur på min bror",
        "mine forældre bestemmer hvad jeg må have på til festen",
    ],
)
def test_batch_8_near_misses(text: str) -> None:
    assert not {"vold_overgreb", "selvmordstanker", "selvskade"} & hits(text)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("han har gjort noget ved mig, men jeg kan ikke skrive det", "vold_overgreb"),
        ("pillerne ligger i skuffen. jeg tæller dem hver aften", "selvmordstanker"),
    ],
)
def test_rules_written_across_punctuation_match_across_clauses(text: str, tag: str) -> None:
    assert tag in hits(text)


def test_a_friends_secret_across_clauses_is_still_the_friends() -> None:
    assert "vold_overgreb" not in hits(
        "min veninde har gjort noget dumt, men hun kan ikke sige det til sin mor"
    )
