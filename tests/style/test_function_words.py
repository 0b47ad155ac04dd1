"""Function words, pronouns and contractions."""

from __future__ import annotations

import re

import pytest

from personae.style import FUNCTION_WORDS, analyze
from tests.resources import FEDERALIST


def test_function_word_counts_by_hand() -> None:
    fp = analyze("The cat and the dog sat on the mat, and it was good.")
    assert fp.function_words is not None
    # the x3, and x2, on, it, was; cat dog sat mat good are content words
    assert fp.function_words.counts == {"and": 2, "it": 1, "on": 1, "the": 3, "was": 1}
    assert fp.function_words.total_words == fp.word_count == 13


def test_function_word_keys_follow_function_words_order() -> None:
    fp = analyze(FEDERALIST)
    assert fp.function_words is not None
    keys = list(fp.function_words.counts)
    assert keys == [w for w in FUNCTION_WORDS if w in fp.function_words.counts]
    assert all(count > 0 for count in fp.function_words.counts.values())
    assert fp.function_words.counts["the"] == len(re.findall(r"\bthe\b", FEDERALIST.lower()))


@pytest.mark.parametrize(
    ("text", "dominant"),
    [
        ("I think my plan is good and I like it.", "I"),
        ("We think our plan is good, and so do you.", "we"),
        ("You should do what you think is right.", "you"),
        ("They said he was right and she agreed with them.", "they"),
        ("It is raining on the roof of the house.", "none"),  # 'it' is not counted
        ("I saw you at the park.", "I"),  # a tie goes to the earlier of I, we, you, they
    ],
)
def test_dominant_perspective(text: str, dominant: str) -> None:
    pronouns = analyze(text).pronouns
    assert pronouns is not None
    assert pronouns.dominant == dominant


def test_pronoun_rates_per_1000_words() -> None:
    # 11 words: I, me (first singular 2), we (1), you (1), she, them (third 2)
    text = "I told me we would see you, and she saw them."
    pronouns = analyze(text).pronouns
    assert pronouns is not None
    assert (
        pronouns.first_singular,
        pronouns.first_plural,
        pronouns.second,
        pronouns.third,
    ) == pytest.approx((2000 / 11, 1000 / 11, 1000 / 11, 2000 / 11))


def test_contracted_pronouns_count() -> None:
    pronouns = analyze("I'm sure we're fine and you'll see they've won.").pronouns
    assert pronouns is not None
    # 9 words; i'm, we're, you'll, they've: one of each person
    rate = pytest.approx(1000 / 9)
    assert pronouns.first_singular == pronouns.first_plural == pronouns.third == rate
    assert pronouns.second == rate


def test_contractions_per_100_words() -> None:
    # 9 words; contractions: don't, it's, we've (John's is a possessive)
    fp = analyze("Don't worry, it's John's car and we've got keys.")
    assert fp.word_count == 9
    assert fp.contractions_per_100_words == pytest.approx(300 / 9)


def test_curly_apostrophes_count_as_contractions() -> None:
    fp = analyze("Don’t worry, it’s fine now, really.")
    assert fp.contractions_per_100_words == pytest.approx(200 / 6)
