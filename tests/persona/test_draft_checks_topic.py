"""The topic check by meaning: an off-topic story refused, an off-topic sentence cut,
the brief restated refused, and the key words deciding when no embedder is installed.

The embedder here is a deterministic bag of word stems (texts sharing words point the
same way), so the tests say what the check does with similarities, not what
all-MiniLM-L6-v2 thinks; the thresholds themselves are chosen on the benchmark's dev
briefs (``benchmarks/topic_threshold.py``).
"""

from __future__ import annotations

import importlib.util
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from personae.persona import _draft_checks as checks
from personae.persona import check_draft
from personae.persona._draft_checks import (
    drop_failing_sentences,
    sentences_of,
    topic_embedder,
    topic_similarity,
)

SOUP = "my favourite rainy-day soup"
_IGNORED = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "i",
        "it",
        "my",
        "we",
        "is",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "was",
        "this",
        "that",
    ]
)


class StemEmbedder:
    """Bag of 4-letter word stems, hashed into 256 dimensions, unit length."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        rows = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if word not in _IGNORED:
                    rows[row, zlib.crc32(word[:4].encode()) % 256] += 1.0
            norm = float(np.linalg.norm(rows[row]))
            rows[row] = rows[row] / norm if norm else rows[row]
        return rows


EMBEDDER = StemEmbedder()
ON_TOPIC = (
    "On a rainy day my favourite thing is soup. A big pot of rainy-day soup, leeks and "
    "potatoes, is my favourite."
)


def test_an_off_topic_story_fails_by_meaning() -> None:
    story = "Today we unveiled the latest edition of our pricing page. The launch is soon."
    check = check_draft(story, brief=SOUP, embedder=EMBEDDER)
    assert not check.on_topic
    assert check.topic_similarity is not None
    assert check.topic_similarity < 0.3
    assert any("similarity to the brief" in reason for reason in check.reasons)
    assert check_draft(ON_TOPIC, brief=SOUP, embedder=EMBEDDER).passed


def test_an_off_topic_sentence_fails_and_is_cut() -> None:
    text = ON_TOPIC + " Then I closed three big deals at the office downtown."
    check = check_draft(text, brief=SOUP, embedder=EMBEDDER)
    assert check.on_topic
    assert check.off_topic_sentences == ["Then I closed three big deals at the office downtown."]
    assert not check.passed
    cut = drop_failing_sentences(text, check, brief=SOUP)
    assert cut == ON_TOPIC
    assert check_draft(cut, brief=SOUP, embedder=EMBEDDER).passed


def test_the_brief_restated_is_not_a_post() -> None:
    check = check_draft("My favourite rainy-day soup!", brief=SOUP, embedder=EMBEDDER)
    assert "only restates the brief" in check.reasons


def test_sentences_with_invented_specifics_or_notes_are_cut() -> None:
    text = (
        "Here's a revised version of the post:\n"
        "Rainy days call for soup. My favourite soup is leek and potato. "
        "In 2017 Sarah Thompson gave me the recipe."
    )
    check = check_draft(text, brief=SOUP)
    assert not check.passed
    cut = drop_failing_sentences(text, check, brief=SOUP)
    assert cut == "Rainy days call for soup. My favourite soup is leek and potato."
    assert check_draft(cut, brief=SOUP).passed


def test_a_passing_draft_is_never_cut() -> None:
    check = check_draft(ON_TOPIC, brief=SOUP, embedder=EMBEDDER)
    assert drop_failing_sentences(ON_TOPIC, check, brief=SOUP) is ON_TOPIC


def test_without_an_embedder_the_key_words_decide() -> None:
    check = check_draft("We launched a pricing page.", brief=SOUP)
    assert check.topic_similarity is None
    assert not check.on_topic
    assert any("key words" in reason for reason in check.reasons)


def test_sentences_and_similarities_line_up() -> None:
    assert sentences_of("One. Two words!\nA line\n\nLast one?") == [
        "One.",
        "Two words!",
        "A line",
        "Last one?",
    ]
    whole, parts = topic_similarity(ON_TOPIC, SOUP, EMBEDDER)
    assert [sentence for sentence, _ in parts] == sentences_of(ON_TOPIC)
    assert -1.0 <= whole <= 1.0


def test_no_embeddings_extra_means_the_key_word_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_embedder", [])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert topic_embedder() is None


def test_the_setting_chooses_the_topic_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PERSONAE_TOPIC_CHECK`` reaches the service that writes: key words, the bundled
    embedder (``auto`` when installed), or a clear error when embeddings were demanded
    but are not installed."""
    from personae.config import Settings
    from personae.errors import EmbeddingError
    from personae.persona import _build

    stem = StemEmbedder()
    monkeypatch.setattr(_build, "topic_embedder", lambda: stem)
    assert _build._topic_check(Settings(topic_check="keywords").topic_check) is None
    assert _build._topic_check(Settings(topic_check="auto").topic_check) is stem
    assert _build._topic_check(Settings(topic_check="embeddings").topic_check) is stem
    monkeypatch.setattr(_build, "topic_embedder", lambda: None)
    assert _build._topic_check("auto") is None
    with pytest.raises(EmbeddingError, match="'embeddings' extra"):
        _build._topic_check("embeddings")


def test_the_service_judges_its_drafts_with_the_configured_embedder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the persona service writes is checked by the embedder the settings chose."""
    from personae.config import Settings
    from personae.persona import _build, _service

    stem = StemEmbedder()
    seen: list[object] = []

    def optimize(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("embedder"))
        raise RuntimeError("stop here")

    monkeypatch.setattr(_build, "topic_embedder", lambda: stem)
    monkeypatch.setattr(_service, "optimize_content", optimize)
    monkeypatch.setattr(_service.PersonaService, "voice", lambda *a, **k: None)
    service = _build.build_persona_service(
        Settings(topic_check="auto", data_dir=tmp_path),
        database=None,  # type: ignore[arg-type]
    )
    with pytest.raises(RuntimeError, match="stop here"):
        service.write(1, 1, "x", SOUP, rivals=())
    assert seen == [stem]
