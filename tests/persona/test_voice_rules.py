"""Reading a persona's stated voice (what the LLM wrote) into rules a program can check."""

from __future__ import annotations

import pytest

from personae.persona import VoiceRules

# The shape ALwrity's core persona uses (seed 001): lexical features nested, punctuation
# rules as prose, the tonal range in its own column.
ALWRITY_CONSTRAINTS = {
    "lexical_features": {
        "go_to_words": ["ship", "customers", "ship"],
        "go_to_phrases": ["here is the thing"],
        "avoid_words": ["synergy", "leverage"],
        "contractions": "Uses them freely",
    },
    "punctuation": {"exclamation_points": "Rarely, for a real win"},
    "formatting": {"emojis": "never"},
    "point_of_view": "first person singular",
    "sentence_metrics": {"sentence_length": {"min": 6, "max": 14}},
}
ALWRITY_TONES = {
    "default_tone": "candid",
    "permissible_tones": ["playful", "urgent"],
    "forbidden_tones": ["snarky"],
}


def test_the_alwrity_shape_is_read() -> None:
    rules = VoiceRules.from_persona(ALWRITY_TONES, ALWRITY_CONSTRAINTS)
    assert rules.go_to == ["ship", "customers", "here is the thing"]
    assert rules.avoid == ["synergy", "leverage"]
    assert rules.contractions == "use"
    assert rules.exclamations == "sparing"
    assert rules.emoji == "avoid"
    assert rules.perspective == "first_singular"
    assert rules.sentence_length == (6.0, 14.0)
    assert rules.default_tone == "candid"
    assert rules.permissible_tones == ["playful", "urgent"]
    assert rules.forbidden_tones == ["snarky"]
    assert rules.measurable


def test_a_nested_tonal_range_with_short_keys_is_read() -> None:
    rules = VoiceRules.from_persona(
        {"default": "warm", "permissible": "wry, curious", "forbidden": ["cold"]}, None
    )
    assert rules.default_tone == "warm"
    assert rules.permissible_tones == ["wry", "curious"]
    assert rules.forbidden_tones == ["cold"]
    assert not rules.measurable


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"go_to_words": 42, "avoid_words": {"not": "a list"}},
        {"sentence_length": {"min": "six", "max": 14}},
        {"sentence_length": [20, 5]},  # min above max
        {"sentence_length": [True, 5]},
        {"perspective": 3, "contractions": None, "emoji": ["x"]},
        {1: "non-string key"},
    ],
)
def test_what_cannot_be_read_is_ignored(data: dict[object, object] | None) -> None:
    rules = VoiceRules.from_mapping(data)  # type: ignore[arg-type]
    assert rules == VoiceRules()
    assert not rules.measurable


@pytest.mark.parametrize(
    ("value", "usage"),
    [
        ("never", "avoid"),
        ("avoid them", "avoid"),
        ("sparingly", "sparing"),
        ("yes", "use"),
        (True, "use"),
        (False, "avoid"),
    ],
)
def test_usage_words(value: object, usage: str) -> None:
    assert VoiceRules.from_mapping({"emoji": value}).emoji == usage


@pytest.mark.parametrize(
    ("value", "perspective"),
    [
        ("I / me", "first_singular"),
        ("we", "first_plural"),
        ("second person", "second"),
        ("They", "third"),
        ("unclear", None),
    ],
)
def test_perspective_words(value: str, perspective: str | None) -> None:
    assert VoiceRules.from_mapping({"perspective": value}).perspective == perspective


def test_terms_match_whole_words_and_phrases_case_insensitively() -> None:
    rules = VoiceRules()
    text = "Leverage it. Leveraged? We will circle\nback. Synergy-driven synergy."
    assert rules.occurrences(text, "leverage") == 1
    assert rules.occurrences(text, "circle back") == 1
    assert rules.occurrences(text, "synergy") == 2
