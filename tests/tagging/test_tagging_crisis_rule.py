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
