"""Character n-grams: the most robust single feature family for authorship.

Character n-grams catch habits below the word (affixes, punctuation next to words,
spacing) and need no language resources (Kešelj et al. 2003, "N-gram-based author
profiles for authorship attribution"; Stamatatos 2009, "A survey of modern authorship
attribution methods", JASIST 60(3)).

Counting is vectorised with numpy. Each chunk of text is turned into an array of code
points, white space runs are collapsed to one space, the characters are mapped to small
dense ids, and the n-grams are counted with one ``bincount`` (or one sort when the
alphabet is too large for a dense table). Chunks are stitched so that n-grams spanning a
chunk boundary are counted exactly once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from personae.style._chars import code_points
from personae.style._fingerprint import CharNgramProfile

__all__ = ["CharNgramCounter", "char_ngram_profile"]

_BITS = 21  # a Unicode code point fits in 21 bits
_DENSE_LIMIT = 1 << 20  # largest dense bincount table (8 MiB of int64)
_SPACE_LIMIT = 0x3001
_SPACE_TABLE = np.zeros(_SPACE_LIMIT + 1, dtype=np.bool_)
_SPACE_TABLE[[cp for cp in range(_SPACE_LIMIT + 1) if chr(cp).isspace()]] = True


def _is_space(codes: NDArray[np.uint32]) -> NDArray[np.bool_]:
    """``str.isspace`` for an array of code points (all white space is below U+3001)."""
    result: NDArray[np.bool_] = _SPACE_TABLE[np.minimum(codes, _SPACE_LIMIT)]
    return result


class CharNgramCounter:
    """Accumulate character n-gram counts over a text fed in consecutive chunks.

    The text is lower-cased by the caller; here white space runs (any ``str.isspace``
    characters) are collapsed to a single space and leading and trailing white space is
    ignored, so line wrapping does not change the profile.

    Parameters
    ----------
    n : int, default 3
        Gram length, 1 to 3.

    Examples
    --------
    >>> counter = CharNgramCounter(n=3)
    >>> counter.add("abab ")
    >>> counter.add("  ab")
    >>> counter.top(10)
    {' ab': 1, 'ab ': 1, 'aba': 1, 'b a': 1, 'bab': 1}
    """

    def __init__(self, *, n: int = 3) -> None:
        if not 1 <= n <= 3:
            raise ValueError(f"n must be 1, 2 or 3, not {n}")
        self.n = n
        self._ids: dict[int, int] = {}  # code point -> dense id, in first-seen order
        self._tail = np.empty(0, dtype=np.int64)  # dense ids of the last n - 1 chars
        self._final = np.empty(0, dtype=np.int64)  # dense ids of the last n chars
        self._after_space = True  # the text so far ends in white space (or is empty)
        self._keys: list[NDArray[np.int64]] = []
        self._counts: list[NDArray[np.int64]] = []
        self._cache: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None

    def add(self, text: str) -> None:
        """Count the n-grams of the next chunk of (lower-cased) text."""
        self.add_codes(code_points(text))

    def add_codes(self, codes: NDArray[np.uint32]) -> None:
        """:meth:`add` for a chunk already turned into code points."""
        self._cache = None
        if codes.size == 0:
            return
        space = _is_space(codes)
        keep = np.ones(codes.size, dtype=np.bool_)
        keep[0] = not (space[0] and self._after_space)
        keep[1:] = ~(space[1:] & space[:-1])
        self._after_space = bool(space[-1])
        codes = np.where(space, np.uint32(32), codes)[keep]
        if codes.size == 0:
            return
        dense = np.concatenate((self._tail, self._dense_ids(codes)))
        self._tail = dense[dense.size - (self.n - 1) :]
        self._final = dense[-self.n :]
        if dense.size >= self.n:
            self._count(dense)

    def _dense_ids(self, codes: NDArray[np.uint32]) -> NDArray[np.int64]:
        top = int(codes.max())
        present = np.flatnonzero(np.bincount(codes)) if top < 1 << 16 else np.unique(codes)
        for cp in present.tolist():
            if cp not in self._ids:
                self._ids[cp] = len(self._ids)
        if top < 1 << 16:
            table = np.zeros(top + 1, dtype=np.int64)
            known = np.fromiter(self._ids.keys(), dtype=np.int64, count=len(self._ids))
            ids = np.fromiter(self._ids.values(), dtype=np.int64, count=len(self._ids))
            inside = known <= top
            table[known[inside]] = ids[inside]
            result: NDArray[np.int64] = table[codes]
            return result
        order = np.fromiter(sorted(self._ids), dtype=np.int64, count=len(self._ids))
        ranks = np.array([self._ids[cp] for cp in order.tolist()], dtype=np.int64)
        result = ranks[np.searchsorted(order, codes)]
        return result

    def _count(self, dense: NDArray[np.int64]) -> None:
        n = self.n
        size = len(self._ids)
        windows = [dense[i : dense.size - n + 1 + i] for i in range(n)]
        if size**n <= _DENSE_LIMIT:
            code = windows[0]
            for window in windows[1:]:
                code = code * size + window
            table = np.bincount(code)
            present = np.flatnonzero(table)
            counts = table[present]
            key = np.zeros(present.size, dtype=np.int64)
            rest = present
            for i in range(n):
                key |= (rest % size) << (_BITS * i)
                rest = rest // size
        else:
            code = windows[0]
            for window in windows[1:]:
                code = (code << _BITS) | window
            key, counts = np.unique(code, return_counts=True)
        self._keys.append(key)
        self._counts.append(counts.astype(np.int64))

    def _totals(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Distinct n-gram keys and their counts over the whole text."""
        if self._cache is None:
            self._cache = self._merge()
        return self._cache

    def _merge(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        if not self._keys:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        keys, inverse = np.unique(np.concatenate(self._keys), return_inverse=True)
        totals = np.bincount(inverse, weights=np.concatenate(self._counts)).astype(np.int64)
        if self._after_space and self._final.size == self.n:
            # the text ended in white space: drop the n-gram that ends in that space
            last = 0
            for value in self._final.tolist():
                last = (last << _BITS) | value
            totals[np.searchsorted(keys, last)] -= 1
        return keys, totals

    @property
    def _chars(self) -> list[str]:
        return [chr(cp) for cp in self._ids]

    def total(self) -> int:
        """Number of n-grams in the text so far."""
        return int(self._totals()[1].sum())

    def top(self, k: int) -> dict[str, int]:
        """The ``k`` most frequent n-grams with their counts, ties broken alphabetically."""
        keys, totals = self._totals()
        if k <= 0 or not keys.size:
            return {}
        if keys.size > k:
            threshold = np.partition(totals, keys.size - k)[keys.size - k]
            chosen = np.flatnonzero(totals >= max(int(threshold), 1))
        else:
            chosen = np.flatnonzero(totals > 0)
        chars = self._chars
        mask = (1 << _BITS) - 1
        grams = [
            ("".join(chars[(key >> (_BITS * i)) & mask] for i in range(self.n - 1, -1, -1)), count)
            for key, count in zip(keys[chosen].tolist(), totals[chosen].tolist(), strict=True)
        ]
        grams.sort(key=lambda item: (-item[1], item[0]))
        return dict(grams[:k])


def char_ngram_profile(counter: CharNgramCounter, *, top: int = 50) -> CharNgramProfile:
    """The ``top`` most frequent n-grams as shares of all n-grams in the text.

    Ties are broken alphabetically so the profile is deterministic.

    Parameters
    ----------
    counter : CharNgramCounter
        The counter the scan fed.
    top : int, default 50
        How many n-grams to keep.

    Returns
    -------
    CharNgramProfile
    """
    total = counter.total()
    ranked = counter.top(top) if total else {}
    return CharNgramProfile(
        n=counter.n, top={gram: count / total for gram, count in ranked.items()}
    )
