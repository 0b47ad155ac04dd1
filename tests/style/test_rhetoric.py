"""Rhetoric: similes, alliteration, repetition."""

from __future__ import annotations

import pytest

from personae.style import analyze
from personae.style._rhetoric import initial_sound, initial_sounds


@pytest.mark.parametrize(
    ("text", "similes"),
    [
        ("She ran like the wind.", 1),
        ("He was as brave as a lion.", 1),
        ("It fell like a stone and sank like an anchor.", 2),
        ("As well as that, as far as I know, it is as good as new.", 1),  # only "as good as"
        ("I like tea.", 0),
        ("Cats like the sun, and dogs like a walk.", 2),  # the pattern over-counts: documented
    ],
)
def test_similes(text: str, similes: int) -> None:
    assert analyze(text).rhetorical_analysis.metaphors == similes


@pytest.mark.parametrize(
    ("word", "sound"),
    [
        ("phone", "f"),
        ("fine", "f"),
        ("city", "s"),
        ("sun", "s"),
        ("cat", "k"),
        ("king", "k"),
        ("queen", "k"),
        ("knight", "n"),
        ("write", "r"),
        ("ship", "sh"),
        ("apple", None),
    ],
)
def test_initial_sound(word: str, sound: str | None) -> None:
    assert initial_sound(word) == sound


@pytest.mark.parametrize(
    ("text", "examples"),
    [
        ("The big bright balloon floated away.", ["big bright balloon"]),
        ("Peter picked pretty peppers.", ["peter picked pretty"]),
        ("A fine phone rang.", ["fine phone"]),
        ("A city cat slept.", []),  # soft c and hard c differ
        ("Big. Bright.", []),  # a sentence end between them
        ("The the the.", []),  # function words, and the same word
        ("Deep dark water. Wild windy weather.", ["deep dark", "wild windy weather"]),
        ("Cold, crisp air.", ["cold crisp"]),  # a plain comma does not separate words
    ],
)
def test_alliteration(text: str, examples: list[str]) -> None:
    assert analyze(text).rhetorical_analysis.alliteration == examples


def test_alliteration_stops_at_five_examples() -> None:
    text = " ".join(f"{a}ox {a}ig." for a in "bcdfghjklmnp")  # "cox cig" is k + s
    found = analyze(text).rhetorical_analysis.alliteration
    assert found == ["box big", "dox dig", "fox fig", "gox gig", "hox hig"]


def test_vectorised_initial_sounds_agree_with_the_scalar_rule() -> None:
    words = [
        "phone",
        "fine",
        "city",
        "cat",
        "cup",
        "king",
        "queen",
        "knight",
        "nail",
        "write",
        "rain",
        "ship",
        "sun",
        "thin",
        "tin",
        "whale",
        "wale",
        "apple",
        "x",
    ]
    codes = initial_sounds(words).tolist()
    for a, code_a in zip(words, codes, strict=True):
        for b, code_b in zip(words, codes, strict=True):
            same = initial_sound(a) is not None and initial_sound(a) == initial_sound(b)
            assert (code_a >= 0 and code_a == code_b) is same, (a, b)


def test_repetition_patterns() -> None:
    text = (
        "Free speech matters. Free speech is hard. We defend free speech daily. "
        "Speech needs courage. Courage is rare, and courage is free."
    )
    patterns = analyze(text).rhetorical_analysis.repetition_patterns
    # free speech x3 (a key phrase), then content words seen 3+ times, most frequent first:
    # speech 4, free 4, courage 3 (ties alphabetical)
    assert patterns.key_phrases == ["free speech", "free", "speech", "courage"]
    assert patterns.repeated_bigrams == ["free speech"]


def test_repetition_needs_three_occurrences_for_key_phrases() -> None:
    patterns = analyze("Blue sky. Blue sky. Green grass.").rhetorical_analysis.repetition_patterns
    assert patterns.repeated_bigrams == ["blue sky"]  # twice is a repeated bigram
    assert patterns.key_phrases == []  # but not yet a key phrase
