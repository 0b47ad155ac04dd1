"""attribute(): which of several voices wrote a text.

English texts are judged by the beta-binomial function-word model (``_wordmodel.py``),
the Mosteller–Wallace approach, with the candidates' rates shrunk toward their pooled
rate. Texts without English function words fall back to the language-neutral
dimensions under a Gaussian model. Scores are posterior shares under equal priors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from personae.errors import ProfileError, TextTooShortError
from personae.style._analyze import analyze
from personae.style._features import DIMENSIONS_BY_KEY, scalar_features
from personae.style._fingerprint import Fingerprint
from personae.style._profile import (
    MIN_WORDS_TO_JUDGE,
    StyleProfile,
    expected_spread,
    length_factor,
)
from personae.style._results import Attribution
from personae.style._wordmodel import log_likelihoods

__all__ = ["attribute", "attribute_fingerprint"]


def attribute(text: str, profiles: Sequence[StyleProfile]) -> list[Attribution]:
    """Rank ``profiles`` by how likely each is to have written ``text``, best first.

    Examples
    --------
    >>> ranking = attribute(unknown_text, [hamilton, madison])  # doctest: +SKIP
    >>> ranking[0].name, round(ranking[0].score, 2)  # doctest: +SKIP
    ('Madison', 0.98)

    Raises
    ------
    ProfileError
        If no profiles are given or two share a name.
    TextTooShortError
        If the text has fewer than :data:`MIN_WORDS_TO_JUDGE` words.
    """
    return attribute_fingerprint(analyze(text), profiles)


def attribute_fingerprint(fp: Fingerprint, profiles: Sequence[StyleProfile]) -> list[Attribution]:
    """:func:`attribute` for an already measured text."""
    _check_profiles(profiles)
    if fp.word_count < MIN_WORDS_TO_JUDGE:
        raise TextTooShortError(
            words=fp.word_count, needed=MIN_WORDS_TO_JUDGE, what="attribute it to a voice"
        )
    fw = fp.function_words
    if fw is not None and fw.total_words > 0 and all(p.function_words.texts for p in profiles):
        lls = log_likelihoods(fw.counts, fw.total_words, [p.function_words for p in profiles])
    else:
        lls = [_gaussian_log_likelihood(fp, p) for p in profiles]
    top = max(lls)
    weights = [math.exp(ll - top) for ll in lls]
    total = sum(weights)
    ranked = sorted(
        (
            Attribution(name=p.name, score=w / total, log_likelihood=ll)
            for p, w, ll in zip(profiles, weights, lls, strict=True)
        ),
        key=lambda a: -a.log_likelihood,
    )
    return ranked


def _gaussian_log_likelihood(fp: Fingerprint, profile: StyleProfile) -> float:
    """Log-likelihood of the text's dimensions, each normal around the voice's mean with
    the spread :meth:`StyleProfile.match` expects for a text of this length."""
    total = 0.0
    factor = length_factor(profile, fp)
    for key, value in scalar_features(fp).items():
        stat = profile.dimensions.get(key)
        if stat is None or stat.n == 0:
            continue
        spread = expected_spread(DIMENSIONS_BY_KEY[key], stat, fp, length_factor=factor)
        total += -0.5 * ((value - stat.mean) / spread) ** 2 - math.log(spread)
    return total


def _check_profiles(profiles: Sequence[StyleProfile]) -> None:
    if not profiles:
        raise ProfileError("no voices to attribute to: give at least one profile")
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ProfileError("profiles must have distinct names to be told apart")
