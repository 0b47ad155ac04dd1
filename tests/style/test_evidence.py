"""Typed character 3-grams and word rates: the language-neutral evidence of a voice."""

from __future__ import annotations

from collections import Counter

import pytest

from personae.style import StyleProfile
from personae.style._evidence import GramStats, WordStats, text_evidence


@pytest.mark.parametrize(
    ("text", "gram", "count"),
    [
        ("the cat sat", " th", 1),  # word-initial
        ("the cat sat", "at ", 2),  # word-final
        ("reading and writing", "ing$", 2),  # suffix
        ("reading and writing", "^rea", 1),  # prefix
        ("Stop. Go, now!", "p. ", 1),  # punctuation-bearing
        ("Stop. Go, now!", "o, ", 1),
        ("x   y\n\nz", "x y", 0),  # words do not join across a space
    ],
)
def test_typed_grams(text: str, gram: str, count: int) -> None:
    assert text_evidence(text).grams[gram] == count


def test_short_words_have_no_affix_grams() -> None:
    grams = text_evidence("the cat").grams
    assert not [g for g in grams if g.startswith("^") or g.endswith("$")]


def test_case_and_layout_do_not_change_the_evidence() -> None:
    assert text_evidence("The  Cat,\nthe hat.") == text_evidence("the cat, the hat.")


def test_non_latin_words_are_counted() -> None:
    ev = text_evidence("Мой дядя самых честных правил, когда не в шутку занемог")
    assert ev.word_count == 10
    assert ev.grams[" мо"] == 1


def test_gram_vocabulary_stays_bounded_and_remembers_its_floor() -> None:
    stats = GramStats()
    for i in range(40):
        stats.add(Counter({f"g{i}_{j}": 1 + j % 3 for j in range(50)}), vocabulary=100)
    assert len(stats.counts) <= 150
    assert stats.floor >= 1
    assert stats.total == 40 * sum(1 + j % 3 for j in range(50))
    assert len(stats.compact(20).counts) == 20


def test_word_stats_are_running_sums() -> None:
    whole = WordStats()
    for words in (Counter(a=2, b=2), Counter(a=1, c=3)):
        whole.add(words)
    assert whole.samples == 2
    assert whole.counts == {"a": 3, "b": 2, "c": 3}
    assert whole.sum_rate["a"] == pytest.approx(0.5 + 0.25)
    assert whole.sum_rate_sq["a"] == pytest.approx(0.25 + 0.0625)


def test_function_word_grams_keep_the_syntax_and_drop_the_topic() -> None:
    """Other words become '*', function words and punctuation stay: two texts built the
    same way on different topics give the same n-grams."""
    ships = text_evidence("The ship sailed to the harbour, and the crew slept.").syntax
    bread = text_evidence("The bread went to the oven, and the baker waited.").syntax
    assert ships == bread
    assert ships["the *"] == 3
    assert ships["* , and"] == 1
    assert ships["and the *"] == 1
    assert "ship" not in " ".join(ships)


def test_function_word_grams_of_text_that_is_not_english_are_its_punctuation() -> None:
    syntax = text_evidence("Il pleut, donc je reste. Tu pars ?").syntax
    assert syntax["* ,"] == 1
    assert syntax["* * ."] == 1
    assert all(token in {"*", ",", ".", "?", "!", ";", ":"} for g in syntax for token in g.split())


def test_update_is_incremental() -> None:
    texts = [
        f"Sample {i}: the quick brown fox, jumping over lazy dogs again." * 5 for i in range(6)
    ]
    once = StyleProfile.from_texts(texts, name="v")
    twice = StyleProfile.from_texts(texts[:3], name="v").update(texts[3:])
    assert once.char_grams == twice.char_grams
    assert once.words == twice.words
    assert once.syntax == twice.syntax
    assert once.syntax.total > 0


def test_profile_stays_small_on_a_large_voice() -> None:
    words = [f"w{i}x{i * 7 % 13}" for i in range(30000)]
    texts = [" ".join(words[i : i + 3000]) + ", and; then. " for i in range(0, 30000, 3000)]
    profile = StyleProfile.from_texts(texts, name="big")
    assert len(profile.to_json().encode()) < 200_000
    assert StyleProfile.from_json(profile.to_json()) == profile
