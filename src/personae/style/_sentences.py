"""Sentences: how long, what kind, how built.

Sentence length is the oldest stylometric measure (Mendenhall 1887; Yule 1939, "On
sentence-length as a statistical characteristic of style in prose"); the mix of
statements, questions and exclamations and the share of complex and compound sentences
describe rhythm and syntax cheaply (see Biber 1988 on subordination as a register
marker).

Sentences are read off the token stream of :func:`personae.style._tokens.scan`: a
sentence ends at a sentence-end token (``.``, ``!``, ``?``, ``…`` runs not after an
abbreviation) or at a paragraph break, and stretches without words (a lone ``...``) are
not sentences. Length is counted in word tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from personae.style._fingerprint import (
    SentenceAnalysis,
    SentenceComplexity,
    SentenceLengthDistribution,
    SentenceTypeDistribution,
)
from personae.style._tokens import BREAK, EXCLAIM, JOINT, QUESTION, STOP, WORD

__all__ = [
    "SENTENCE_LENGTH_BINS",
    "SENTENCE_LENGTH_BIN_WIDTH",
    "SentenceLengthBin",
    "Sentences",
    "length_bins",
    "length_distribution",
    "length_histogram",
    "sentence_analysis",
    "sentence_complexity",
    "split_sentences",
    "type_distribution",
]


SENTENCE_LENGTH_BIN_WIDTH = 3
"""Words per histogram bin: narrow enough to tell a 5-word punchline from a 10-word
sentence, which is where short-form writers differ."""
SENTENCE_LENGTH_BINS = 14
"""Bins 1-3, 4-6, ..., 37-39 words and a last open bin of 40 words or more, so a
profile's histogram has a fixed size however long its writer's sentences run."""


class SentenceLengthBin(BaseModel):
    """One bar of a sentence-length histogram."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: int
    high: int | None
    """Longest length in the bin, in words; ``None`` for the open last bin."""
    label: str
    count: int
    share: float
    """This bin's share of all sentences (0 when there are none)."""


@dataclass(frozen=True, slots=True, eq=False)
class Sentences:
    """The sentences of a text, one entry per sentence.

    Attributes
    ----------
    lengths : numpy.ndarray
        Words per sentence (``int64``, all ≥ 1).
    kinds : numpy.ndarray
        STOP (declarative), QUESTION or EXCLAIM, from the final mark.
    complex : numpy.ndarray
        Whether the sentence has a subordinating word.
    compound : numpy.ndarray
        Whether the sentence has a clause joint (``;`` or ``, and``).
    """

    lengths: NDArray[np.int64]
    kinds: NDArray[np.int8]
    complex: NDArray[np.bool_]
    compound: NDArray[np.bool_]


def split_sentences(token_kinds: NDArray[np.int8], *, subordinate: NDArray[np.bool_]) -> Sentences:
    """Split a token stream into sentences.

    Parameters
    ----------
    token_kinds : numpy.ndarray
        Kind of each token, in text order.
    subordinate : numpy.ndarray
        Per token: is it a subordinating conjunction or relative pronoun
        (:data:`~personae.style._lexicon.SUBORDINATORS`)?

    Returns
    -------
    Sentences
        Only the stretches that hold at least one word.
    """
    is_word = token_kinds == WORD
    ends = np.flatnonzero((token_kinds >= STOP) & (token_kinds <= BREAK))
    words_so_far = np.cumsum(is_word, dtype=np.int32)
    total = int(words_so_far[-1]) if words_so_far.size else 0
    before_end = words_so_far[ends]
    del words_so_far
    lengths = np.diff(before_end.astype(np.int64), prepend=0, append=total).astype(np.int64)
    kinds = np.append(token_kinds[ends], np.int8(STOP)).astype(np.int8)
    kinds[kinds == BREAK] = STOP

    def _flag(positions: NDArray[np.intp]) -> NDArray[np.bool_]:
        flags = np.zeros(lengths.size, dtype=np.bool_)
        flags[np.searchsorted(ends, positions)] = True
        return flags

    complex_ = _flag(np.flatnonzero(subordinate))
    compound = _flag(np.flatnonzero(token_kinds == JOINT))
    keep = lengths > 0
    return Sentences(
        lengths=lengths[keep],
        kinds=kinds[keep],
        complex=complex_[keep],
        compound=compound[keep],
    )


def length_distribution(lengths: NDArray[np.int64]) -> SentenceLengthDistribution:
    """Summarise sentence lengths.

    Percentiles use linear interpolation between order statistics (numpy's default,
    Hyndman & Fan 1996 definition 7); ``stdev`` is the population standard deviation.

    Parameters
    ----------
    lengths : numpy.ndarray
        Words per sentence; at least one sentence.

    Returns
    -------
    SentenceLengthDistribution

    Examples
    --------
    >>> d = length_distribution(np.array([4, 6, 2]))
    >>> d.min, d.max, d.average, d.median
    (2, 6, 4.0, 4.0)
    """
    p10, p25, median, p75, p90 = np.percentile(lengths, [10, 25, 50, 75, 90]).tolist()
    return SentenceLengthDistribution(
        min=int(lengths.min()),
        max=int(lengths.max()),
        average=float(lengths.mean()),
        stdev=float(lengths.std()),
        median=median,
        p10=p10,
        p25=p25,
        p75=p75,
        p90=p90,
        histogram=length_histogram(lengths),
    )


def length_histogram(lengths: NDArray[np.int64]) -> tuple[int, ...]:
    """Count sentences per length bin (:data:`SENTENCE_LENGTH_BINS` bins).

    Counts, not shares, so that a profile can add them up sample by sample.

    Examples
    --------
    >>> length_histogram(np.array([1, 3, 4, 45, 100]))[:3], length_histogram(np.array([45]))[-1]
    ((2, 1, 0), 1)
    """
    bins = np.minimum((lengths - 1) // SENTENCE_LENGTH_BIN_WIDTH, SENTENCE_LENGTH_BINS - 1)
    return tuple(int(c) for c in np.bincount(bins, minlength=SENTENCE_LENGTH_BINS))


def length_bins(counts: tuple[int, ...] | list[int]) -> list[SentenceLengthBin]:
    """Label a histogram's counts (all zero when ``counts`` is empty)."""
    counts = list(counts) or [0] * SENTENCE_LENGTH_BINS
    total = sum(counts)
    out = []
    for index, count in enumerate(counts):
        low = index * SENTENCE_LENGTH_BIN_WIDTH + 1
        last = index == SENTENCE_LENGTH_BINS - 1
        high = None if last else low + SENTENCE_LENGTH_BIN_WIDTH - 1
        out.append(
            SentenceLengthBin(
                low=low,
                high=high,
                label=f"{low}+" if high is None else f"{low}-{high}",
                count=count,
                share=count / total if total else 0.0,
            )
        )
    return out


def type_distribution(kinds: NDArray[np.int8]) -> SentenceTypeDistribution:
    """Share of declarative, question and exclamation sentences (by final mark).

    Parameters
    ----------
    kinds : numpy.ndarray
        Kind of each sentence; at least one.

    Returns
    -------
    SentenceTypeDistribution
    """
    total = kinds.size
    return SentenceTypeDistribution(
        declarative=int(np.count_nonzero(kinds == STOP)) / total,
        question=int(np.count_nonzero(kinds == QUESTION)) / total,
        exclamation=int(np.count_nonzero(kinds == EXCLAIM)) / total,
    )


def sentence_complexity(sentences: Sentences) -> SentenceComplexity:
    """Share of complex and of compound sentences.

    A sentence is *complex* when it holds a subordinating conjunction or relative
    pronoun from :data:`~personae.style._lexicon.SUBORDINATORS` (a dependent clause),
    and *compound* when it holds a semicolon or a comma followed by a coordinating
    conjunction (two joined independent clauses). Both are word-list heuristics after
    the traditional grammar definitions (Quirk et al. 1985, ch. 13–14); a sentence may
    be both.

    Parameters
    ----------
    sentences : Sentences
        At least one sentence.

    Returns
    -------
    SentenceComplexity
    """
    return SentenceComplexity(
        complex_ratio=float(sentences.complex.mean()),
        compound_ratio=float(sentences.compound.mean()),
    )


def sentence_analysis(sentences: Sentences) -> SentenceAnalysis:
    """All sentence measures of a text.

    Parameters
    ----------
    sentences : Sentences
        At least one sentence.

    Returns
    -------
    SentenceAnalysis
    """
    return SentenceAnalysis(
        sentence_count=int(sentences.lengths.size),
        sentence_length_distribution=length_distribution(sentences.lengths),
        sentence_type_distribution=type_distribution(sentences.kinds),
        sentence_complexity=sentence_complexity(sentences),
    )
