"""Rhetorical devices: questions, exclamations, similes, alliteration, repetition.

These are the figures a style guide would name (Corbett & Connors 1999, *Classical
Rhetoric for the Modern Student*); each is found with a transparent surface pattern on
the token stream, so counts are reproducible rather than judged.
"""

from __future__ import annotations

import operator

import numpy as np
from numpy.typing import NDArray

from personae.style._fingerprint import RepetitionPatterns, RhetoricalAnalysis
from personae.style._lexicon import SIMILE_NON_ADJECTIVES
from personae.style._sentences import Sentences
from personae.style._tokens import EXCLAIM, QUESTION, Scan
from personae.style._vocabulary import WordTypes, top_content_words

__all__ = [
    "alliteration",
    "count_similes",
    "initial_sound",
    "initial_sounds",
    "repetition_patterns",
    "rhetorical_analysis",
]

_DIGRAPHS = {"ch": "ch", "sh": "sh", "th": "th", "wh": "w", "ph": "f", "kn": "n", "wr": "r"}
_VOWEL_LETTERS = frozenset("aeiou")


def count_similes(scan: Scan, words: WordTypes) -> int:
    """Count explicit similes: "like a/an/the …" and "as <word> as".

    "as X as" is counted when X is a content word that does not make a fixed phrase
    (as well as, as far as, as soon as; :data:`SIMILE_NON_ADJECTIVES`). This is the
    surface pattern used in simile detection work (Niculae & Danescu-Niculescu-Mizil
    2014, "Brighter than gold"); it over-counts "looks like the" and misses metaphors
    without a comparison word, which no word pattern can find.

    Parameters
    ----------
    scan : Scan
    words : WordTypes

    Returns
    -------
    int
    """
    index, ids = scan.index, scan.ids
    found = 0
    like = index.get("like")
    articles = [index[a] for a in ("a", "an", "the") if a in index]
    if like is not None and articles and ids.size >= 2:
        found += int(np.count_nonzero((ids[:-1] == like) & np.isin(ids[1:], articles)))
    as_ = index.get("as")
    if as_ is not None and ids.size >= 3:
        middle = words.content.copy()
        for word in SIMILE_NON_ADJECTIVES:
            if word in index:
                middle[index[word]] = False
        found += int(np.count_nonzero((ids[:-2] == as_) & (ids[2:] == as_) & middle[ids[1:-1]]))
    return found


def initial_sound(word: str) -> str | None:
    """The initial consonant sound of ``word``, or None if it starts with a vowel.

    Spelling is mapped to sound for the common English cases: ch, sh, th as digraphs,
    ph → f, wh → w, kn → n, wr → r, soft c (before e, i, y) → s, hard c and q → k.

    Examples
    --------
    >>> [initial_sound(w) for w in ["phone", "fine", "city", "cat", "king", "apple"]]
    ['f', 'f', 's', 'k', 'k', None]
    """
    first = word[:1]
    if not first.isalpha() or first in _VOWEL_LETTERS:
        return None
    if word[:2] in _DIGRAPHS:
        return _DIGRAPHS[word[:2]]
    if first == "c":
        return "s" if word[1:2] in ("e", "i", "y") else "k"
    if first == "q":
        return "k"
    return first


def initial_sounds(types: list[str]) -> NDArray[np.int64]:
    """:func:`initial_sound` of many words at once, as integer codes (-1 for None).

    Equal codes mean equal sounds. Vectorised over the first two characters of each
    type, so it costs a few numpy passes however large the vocabulary.
    """
    size = len(types)
    first = np.fromiter(map(ord, map(operator.itemgetter(0), types)), dtype=np.int64, count=size)
    second = np.fromiter(
        (ord(t[1]) if len(t) > 1 else 0 for t in types), dtype=np.int64, count=size
    )
    sound = first.copy()
    for digraph, value in _DIGRAPHS.items():
        hit = (first == ord(digraph[0])) & (second == ord(digraph[1]))
        sound[hit] = ord(value) if len(value) == 1 else 0x110000 + ord(digraph[0])
    soft = np.isin(second, [ord("e"), ord("i"), ord("y")])
    sound[(first == ord("c")) & soft] = ord("s")
    sound[(first == ord("c")) & ~soft] = ord("k")
    sound[first == ord("q")] = ord("k")
    letter = np.fromiter(map(str.isalpha, map(operator.itemgetter(0), types)), np.bool_, size)
    vowel = np.isin(first, [ord(v) for v in _VOWEL_LETTERS])
    sound[~letter | vowel] = -1
    return sound


def alliteration(scan: Scan, words: WordTypes, *, limit: int = 5) -> list[str]:
    """Up to ``limit`` examples of alliteration, in text order.

    An example is a run of two or three adjacent content words of three letters or
    more (no sentence end, clause joint or paragraph break between them) that differ
    from each other and share an initial consonant sound (:func:`initial_sound`), e.g.
    "bright blue", "Peter picked pretty", "fine phone". Repeated examples are listed
    once. Alliteration is a sound device of rhetoric and verse (Corbett & Connors 1999).

    Parameters
    ----------
    scan : Scan
    words : WordTypes
    limit : int, default 5

    Returns
    -------
    list[str]
    """
    ids = scan.ids
    if ids.size < 2 or limit <= 0:
        return []
    types = scan.types
    eligible = words.content & (words.letters >= 3)
    sound = np.where(eligible, initial_sounds(types), -1)
    left, right = ids[:-1], ids[1:]
    candidates = np.flatnonzero(
        (sound[left] >= 0) & (sound[left] == sound[right]) & (left != right)
    )
    examples: list[str] = []
    seen: set[str] = set()
    skip_until = -1
    for position in candidates.tolist():
        if position < skip_until:
            continue
        run = [int(ids[position]), int(ids[position + 1])]
        after = position + 2
        if after < ids.size:
            third = int(ids[after])
            if sound[third] == sound[run[0]] and third not in run:
                run.append(third)
        skip_until = position + len(run)
        phrase = " ".join(types[i] for i in run)
        if phrase not in seen:
            seen.add(phrase)
            examples.append(phrase)
            if len(examples) == limit:
                break
    return examples


def _content_bigrams(scan: Scan, words: WordTypes, *, limit: int) -> list[tuple[str, int]]:
    """The ``limit`` commonest adjacent content-word pairs seen twice or more, with counts.

    Ties are broken alphabetically.
    """
    ids = scan.ids
    if ids.size < 2:
        return []
    content = words.content
    left, right = ids[:-1], ids[1:]
    pairs = np.flatnonzero(content[left] & content[right])
    if pairs.size == 0:
        return []
    size = np.int64(len(scan.types))
    codes = left[pairs].astype(np.int64) * size + right[pairs]
    keys, counts = np.unique(codes, return_counts=True)
    repeated = counts >= 2
    keys, counts = keys[repeated], counts[repeated]
    if keys.size > limit:
        threshold = np.partition(counts, keys.size - limit)[keys.size - limit]
        top = counts >= threshold
        keys, counts = keys[top], counts[top]
    found = [
        (f"{scan.types[key // size]} {scan.types[key % size]}", count)
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True)
    ]
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:limit]


def repetition_patterns(
    scan: Scan, words: WordTypes, *, min_count: int = 3, limit: int = 10
) -> RepetitionPatterns:
    """Words and phrases the text keeps coming back to.

    ``repeated_bigrams`` lists adjacent content-word pairs that occur at least twice
    (function-word pairs such as "of the" are everywhere and say nothing). Lexical
    repetition is a cohesion device (Halliday & Hasan 1976, *Cohesion in English*);
    ``key_phrases`` lists, most frequent first, the repeated bigrams that occur at
    least ``min_count`` times and then the content words (3+ letters) that do.

    Parameters
    ----------
    scan : Scan
    words : WordTypes
    min_count : int, default 3
        Occurrences that make a word or phrase a key phrase.
    limit : int, default 10
        Length of each list.

    Returns
    -------
    RepetitionPatterns
    """
    bigrams = _content_bigrams(scan, words, limit=limit)
    phrases = [phrase for phrase, count in bigrams if count >= min_count][: limit // 2]
    for word in top_content_words(words, k=limit - len(phrases)):
        if words.counts[scan.index[word]] >= min_count:
            phrases.append(word)
    return RepetitionPatterns(
        key_phrases=phrases, repeated_bigrams=[phrase for phrase, _ in bigrams]
    )


def rhetorical_analysis(scan: Scan, words: WordTypes, sentences: Sentences) -> RhetoricalAnalysis:
    """All rhetorical measures of a text.

    ``questions`` and ``exclamations`` count sentences ending in ``?`` and ``!``;
    ``metaphors`` counts similes (:func:`count_similes`).

    Parameters
    ----------
    scan : Scan
    words : WordTypes
    sentences : Sentences

    Returns
    -------
    RhetoricalAnalysis
    """
    kinds: NDArray[np.int8] = sentences.kinds
    return RhetoricalAnalysis(
        questions=int(np.count_nonzero(kinds == QUESTION)),
        exclamations=int(np.count_nonzero(kinds == EXCLAIM)),
        metaphors=count_similes(scan, words),
        alliteration=alliteration(scan, words),
        repetition_patterns=repetition_patterns(scan, words),
    )
