"""Fingerprints serialise to JSON and back without loss, with every field filled."""

from __future__ import annotations

import json

import pytest

from personae.style import Fingerprint, analyze
from tests.resources import (
    FEDERALIST,
    FRENCH,
    PUNCTUATED,
    SIMPLE_PROSE,
    SOCIAL,
    THREE_SENTENCES,
    TWO_PARAGRAPHS,
)

TEXTS = {
    "federalist": FEDERALIST,
    "french": FRENCH,
    "punctuated": PUNCTUATED,
    "simple": SIMPLE_PROSE,
    "social": SOCIAL,
    "three": THREE_SENTENCES,
    "paragraphs": TWO_PARAGRAPHS,
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_json_round_trip(text: str) -> None:
    fp = analyze(text)
    assert Fingerprint.model_validate_json(fp.model_dump_json()) == fp


def test_every_field_is_filled_for_english() -> None:
    data = json.loads(analyze(FEDERALIST).model_dump_json())

    def walk(value: object, path: str) -> None:
        assert value is not None, f"{path} is None"
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")

    walk(data, "fingerprint")
    assert data["word_count"] == 303  # textstat.lexicon_count agrees
    assert data["character_count"] == len(FEDERALIST)
    assert data["language"] == "en"
    assert data["notes"] == []
    assert data["vocabulary_analysis"]["most_frequent_content_words"]
    assert data["rhetorical_analysis"]["repetition_patterns"]["key_phrases"]


def test_the_same_text_gives_the_same_fingerprint() -> None:
    assert analyze(FEDERALIST) == analyze(FEDERALIST)
    assert analyze(FEDERALIST) != analyze(FEDERALIST + " Again.")
