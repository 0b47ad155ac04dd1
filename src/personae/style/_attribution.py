"""attribute(): which of several voices wrote a text.

Every voice in the panel is scored on every kind of evidence (function words,
typed character 3-grams, Cosine Delta, the readable dimensions) and the scores are
fused with weights that depend on the length of the text (``_fusion.py``). The
scores returned are the calibrated shares: the softmax of the fused log-odds, fitted
so that among answers given a share of 0.9, about nine in ten are right.

Attribution needs rivals: with a single voice the share is 1 by construction and says
nothing. :func:`verify` (``_verification.py``) answers the open-set question instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from personae.errors import ProfileError, TextTooShortError
from personae.style._analyze import analyze
from personae.style._evidence import TextEvidence, text_evidence
from personae.style._fingerprint import Fingerprint
from personae.style._fusion import Panel
from personae.style._profile import MIN_WORDS_TO_JUDGE, StyleProfile
from personae.style._results import Attribution

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
    return attribute_fingerprint(analyze(text), profiles, evidence=text_evidence(text))


def attribute_fingerprint(
    fp: Fingerprint,
    profiles: Sequence[StyleProfile] | Panel,
    *,
    evidence: TextEvidence | None = None,
    weights: dict[str, tuple[float, float]] | None = None,
) -> list[Attribution]:
    """:func:`attribute` for an already measured text.

    Without ``evidence`` (the text's :func:`~personae.style._evidence.text_evidence`)
    only function words and the readable dimensions are compared. ``profiles`` may be a
    prepared :class:`~personae.style._fusion.Panel` to score many texts against one set.
    """
    voices = profiles.profiles if isinstance(profiles, Panel) else list(profiles)
    _check_profiles(voices)
    if fp.word_count < MIN_WORDS_TO_JUDGE:
        raise TextTooShortError(
            words=fp.word_count, needed=MIN_WORDS_TO_JUDGE, what="attribute it to a voice"
        )
    panel = profiles if isinstance(profiles, Panel) else Panel(voices)
    lls = [float(v) for v in panel.log_odds(fp, evidence, weights=weights)]
    top = max(lls)
    shares = [math.exp(ll - top) for ll in lls]
    total = sum(shares)
    return sorted(
        (
            Attribution(name=p.name, score=w / total, log_likelihood=ll)
            for p, w, ll in zip(voices, shares, lls, strict=True)
        ),
        key=lambda a: -a.log_likelihood,
    )


def _check_profiles(profiles: Sequence[StyleProfile]) -> None:
    if not profiles:
        raise ProfileError("no voices to attribute to: give at least one profile")
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ProfileError("profiles must have distinct names to be told apart")
