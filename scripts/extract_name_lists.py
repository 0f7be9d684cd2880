"""Extract the small lexicons the anonymiser ships under ``privacy/data/``.

Run once, by hand, when the lists should change (never at run time):

    apt-get install wdanish            # /usr/share/dict/danish, the DSDO word list
    pip install -e '.[bench]'          # names-dataset, faker, wordfreq
    python scripts/extract_name_lists.py

Why a one-off script: names-dataset needs ~2 GB and ~14 s to load, far too much for a
process that anonymises chat messages. The lists it writes are a few hundred kB.

Sources:
- names-dataset (Facebook-derived): the most frequent first names (per gender) and surnames
  of people in Denmark. Noisy (it holds "Bruger", "Dejlige", foreign spellings), which is
  why every name that is also a Danish or common English word goes to ``name_words.txt``
  and is only treated as a name with context.
- faker's da_DK providers: more Danish first names, surnames and town names.
- /usr/share/dict/danish (DSDO, lower-case entries are ordinary words; proper nouns are
  capitalised there) and wordfreq's Danish and English frequencies: which names are also
  ordinary words, and the list of common Danish words.
"""

from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "privacy" / "data"
DANISH_DICT = Path("/usr/share/dict/danish")

TOP_FIRST_PER_GENDER = 2500
TOP_SURNAMES = 3000
COMMON_WORDS = 15000
ENGLISH_WORD_ZIPF = 5.0  # "love", "will", "may", "line": English words teenagers type
ENGLISH_SURNAME_ZIPF = 4.0  # surnames such as "Strange", "Wind", "Kirk" are English words

# Names of children and teenagers born 2005-2015 in Denmark (Danmarks Statistik's top lists
# in those years) and common names of Danes with roots elsewhere: names-dataset reflects
# adult Facebook users, so these would otherwise rank too low or be missing.
YOUTH_NAMES = """
Noah William Oscar Lucas Victor Malthe Alfred Carl Elias Valdemar Aksel Axel Theo Arthur
August Felix Emil Oliver Magnus Frederik Mikkel Mathias Matheo Villads Anton Christian Markus
Marcus Sebastian Nikolaj Jonas Laurits Johan Storm Hjalte Bertram Vigo Otto Adam Liam Milas
Silas Alexander Benjamin Tobias Kasper Rasmus Mads Jakob Jacob Lukas Sigurd Konrad Ivan
Alma Ida Clara Freja Agnes Ella Karla Nora Emma Sofia Olivia Josefine Alberte Asta Luna Lily
Esther Vigga Ellen Anna Laura Mathilde Sofie Isabella Victoria Frida Maja Caroline Emilie
Liv Lærke Signe Cecilie Marie Filippa Molly Saga Vilma Aya Sara Sarah Selma Merle Lea Leah
Mille Nanna Naja Amalie Julie Andrea Astrid Hannah Johanne Lucia Lykke Rosa Smilla Thea
Mohammed Mohammad Muhammad Ahmad Ahmed Ali Omar Yusuf Yousef Hassan Hussein Ibrahim Mustafa
Hamza Bilal Abdi Abdullah Khalid Karim Amir Ayoub Adnan Emre Mehmet Yasin Ismail Zakaria Jamal
Fatima Aisha Maryam Zainab Amira Yasmin Layla Leila Sumaya Hiba Nour Noor Amina Ayan Hodan
Mariam Rania Dilan Elif Zeynep Hira Sana Mehwish Nadia Samira Salma Hanan Ilham Asma
"""

# Ordinary words that names-dataset lists as names (chat slang, family words): never a name
# without context.
EXTRA_NAME_WORDS = """
mor far mormor morfar farmor farfar bror søster din min mig dig bruger dejlige skat baby
bro sis lol haha okay ok nice love hej hey yo mand gud jesus
"""


# Colloquial and older spellings young people use for towns faker spells one way.
EXTRA_TOWNS = "Aarhus Kbh Cph Kbhvn København Aalborg Lyngby Nørrebro Vesterbro Østerbro Amager"


# Names that the dictionary also lists as words, but whose word sense is rare in what young
# people write ("kim" = germ, "trine" = step, "søren" in "for søren"): treat them as names.
RARE_WORD_NAMES = """
mads oscar signe benjamin david henry jens lotte maya mille rune saga palle sine søren trine
tove helle kim jan jon arne bodil malte michael john james paul espen ebbe tilde sidse lærke
bjørn frank karl kaj aksel dan bob buster ane iver alf jarl maren marie ester else jasmin
lise tine kåre åse gry malene george lilje viola
"""


def _clean(names: list[str]) -> list[str]:
    """Single-token Latin-script names only; multi-word entries are the same names again."""
    keep = []
    for name in names:
        if re.fullmatch(r"[A-ZÆØÅÄÖÜÉ][a-zæøåäöüéèáíóúñç]+(?:-[A-ZÆØÅ][a-zæøåäöüéè]+)?", name):
            keep.append(name)
    return keep


def _write(name: str, items: list[str], header: str) -> None:
    path = DATA / name
    path.write_text(f"# {header}\n" + "\n".join(items) + "\n", encoding="utf-8")
    print(f"{path.relative_to(DATA.parents[1])}: {len(items)} entries")


def main() -> None:
    from faker.providers.address.da_DK import Provider as AddressProvider
    from faker.providers.person.da_DK import Provider as PersonProvider
    from names_dataset import NameDataset
    from wordfreq import top_n_list, zipf_frequency

    dictionary = {
        w for w in DANISH_DICT.read_text(encoding="utf-8").split() if w and w[0].islower()
    }
    nd = NameDataset()
    first: dict[str, None] = {}
    for gender in ("M", "F"):
        top = nd.get_top_names(n=TOP_FIRST_PER_GENDER, country_alpha2="DK", gender=gender)
        first.update(dict.fromkeys(_clean(top["DK"][gender])))
    first.update(dict.fromkeys(_clean(list(PersonProvider.first_names_male))))
    first.update(dict.fromkeys(_clean(list(PersonProvider.first_names_female))))
    first.update(dict.fromkeys(YOUTH_NAMES.split()))
    top_surnames = nd.get_top_names(n=TOP_SURNAMES, country_alpha2="DK", use_first_names=False)
    surnames: dict[str, None] = dict.fromkeys(_clean(top_surnames["DK"]))
    surnames.update(dict.fromkeys(_clean(list(PersonProvider.last_names))))

    extra_words = set(EXTRA_NAME_WORDS.split())
    rare = set(RARE_WORD_NAMES.split())
    # Places are not names: "i Danmark", "fra Odense" (names-dataset lists them as surnames).
    places = {p.lower() for p in (*AddressProvider.cities, *AddressProvider.countries)}
    places |= {t.lower() for t in EXTRA_TOWNS.split()}

    def is_word(name: str, english_zipf: float) -> bool:
        low = name.lower()
        if low in rare:
            return False
        return (
            low in dictionary
            or low in extra_words
            or low in places
            or zipf_frequency(low, "en") >= english_zipf
        )

    name_words = sorted(
        {n.lower() for n in first if is_word(n, ENGLISH_WORD_ZIPF)}
        | {n.lower() for n in surnames if is_word(n, ENGLISH_SURNAME_ZIPF)}
    )

    # Common Danish words: frequent in wordfreq's Danish list and an ordinary (lower-case)
    # word of the dictionary, so names ("mikkel") are not in it but "hans", "bo" are.
    common = [
        w for w in top_n_list("da", COMMON_WORDS) if w in dictionary and re.fullmatch(r"\w+", w)
    ]

    place_list = sorted(
        {*AddressProvider.cities, *(c.split(" ")[0] for c in AddressProvider.cities)}
        | set(EXTRA_TOWNS.split())
        | {c for c in AddressProvider.countries if " " not in c}
    )

    DATA.mkdir(parents=True, exist_ok=True)
    _write("first_names.txt", sorted(first), "Danish first names (scripts/extract_name_lists.py)")
    _write("surnames.txt", sorted(surnames), "Danish surnames (scripts/extract_name_lists.py)")
    _write(
        "name_words.txt",
        name_words,
        "names that are also ordinary words: names only with context (extract_name_lists.py)",
    )
    _write("common_words.txt", common, "frequent ordinary Danish words (extract_name_lists.py)")
    _write("places.txt", place_list, "Danish towns and countries (extract_name_lists.py)")


if __name__ == "__main__":
    main()
