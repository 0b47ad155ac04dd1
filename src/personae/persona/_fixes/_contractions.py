"""Contractions spelled out or formed toward the voice's rate.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

import re

from personae.persona._fixes._prose import _wordset
from personae.persona._fixes._words import _match_case

__all__ = ["expand_contractions", "form_contractions"]


_APOS = "['’]"
# "can't" is "ca" + "n't" to the pattern, as "won't" is "wo" + "n't".
_NOT_IRREGULAR = {"ca": "cannot", "wo": "will not", "sha": "shall not"}
_NOT_BASES = _wordset(
    "do does did is are was were has have had could should would must need might ca wo sha"
)
_S_WORDS = _wordset(
    "it that there here what who where when why how he she everybody everyone "
    "somebody someone nobody nothing something"
)
_HAS_NEXT = _wordset("been got gotten had")
_HAD_NEXT = _wordset("been better had got gotten seen done known taken given gone")
_SKIP_NEXT = _wordset("never ever just already always")
_CONTRACTION_RE = re.compile(
    rf"\b(?P<base>[A-Za-z]+)(?P<apos>{_APOS})(?P<suffix>t|s|m|re|ve|ll|d)\b"
    r"(?=(?P<space>\s+)(?P<next>[A-Za-z]+)|)",
    re.IGNORECASE,
)
_N_T_RE = re.compile(rf"\b(?P<base>[A-Za-z]+)n{_APOS}t\b", re.IGNORECASE)


def _expansion(match: re.Match[str]) -> str | None:
    """The spelled-out form of one contraction, or ``None`` to leave it alone."""
    base, suffix = match.group("base"), match.group("suffix").lower()
    nxt = (match.group("next") or "").lower()
    lower = base.lower()
    if suffix == "m":
        return f"{base} am" if lower == "i" else None
    if suffix == "re":
        return f"{base} are"
    if suffix == "ve":
        return f"{base} have"
    if suffix == "ll":
        return f"{base} will"
    if suffix == "d":
        if nxt in _SKIP_NEXT or not nxt:
            return None
        return f"{base} had" if nxt in _HAD_NEXT else f"{base} would"
    if suffix == "s":
        if lower == "let":
            return _match_case(base, "let") + " us"
        if lower not in _S_WORDS or not nxt:
            return None
        return f"{base} has" if nxt in _HAS_NEXT else f"{base} is"
    return None


def _contraction_spans(text: str) -> list[tuple[int, int, str]]:
    """Every contraction that can be spelled out safely: (start, end, expansion)."""
    spans: list[tuple[int, int, str]] = []
    for match in _N_T_RE.finditer(text):
        base = match.group("base")
        lower = base.lower()
        if lower not in _NOT_BASES:
            continue
        full = _NOT_IRREGULAR.get(lower, f"{lower} not")
        if base.isupper() and len(base) > 1:
            full = full.upper()
        elif base[:1].isupper():
            full = full[:1].upper() + full[1:]
        spans.append((match.start(), match.end(), full))
    for match in _CONTRACTION_RE.finditer(text):
        if match.group("suffix").lower() == "t":
            continue
        expanded = _expansion(match)
        if expanded is not None and match.group("suffix").isupper():
            expanded = expanded.upper()
        if expanded is not None:
            spans.append((match.start(), match.end("suffix"), expanded))
    return sorted(spans)


_FORMS: tuple[tuple[str, str], ...] = (
    (r"do not", "don't"),
    (r"does not", "doesn't"),
    (r"did not", "didn't"),
    (r"is not", "isn't"),
    (r"are not", "aren't"),
    (r"was not", "wasn't"),
    (r"were not", "weren't"),
    (r"has not", "hasn't"),
    (r"have not", "haven't"),
    (r"cannot", "can't"),
    (r"will not", "won't"),
    (r"would not", "wouldn't"),
    (r"could not", "couldn't"),
    (r"should not", "shouldn't"),
    (r"I am", "I'm"),
    (r"it is", "it's"),
    (r"that is", "that's"),
    (r"there is", "there's"),
    (r"we are", "we're"),
    (r"you are", "you're"),
    (r"they are", "they're"),
    (r"I will", "I'll"),
    (r"we will", "we'll"),
    (r"you will", "you'll"),
    (r"they will", "they'll"),
)
# Pronoun + verb only contract before another word ("what it is." stays): the negations
# contract anywhere ("I do not." → "I don't.").
_FORM_RE = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<f{i}>{phrase.replace(' ', r'[ ]')})"
        + ("" if phrase.endswith(("not", "cannot")) else r"(?=[ ][A-Za-z])")
        for i, (phrase, _) in enumerate(_FORMS)
    )
    + r")\b",
    re.IGNORECASE,
)


def _form_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _FORM_RE.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        spans.append((match.start(), match.end(), _match_case(match.group(), _FORMS[index][1])))
    return spans


def _spread(count: int, available: int) -> list[int]:
    """``count`` indices out of ``available``, spread evenly."""
    count = max(0, min(count, available))
    return sorted({int((i + 0.5) * available / count) for i in range(count)}) if count else []


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out = []
    position = 0
    for start, end, new in spans:
        out.append(text[position:start])
        out.append(new)
        position = end
    out.append(text[position:])
    return "".join(out)


def expand_contractions(text: str, count: int | None = None) -> str:
    """Spell out ``count`` contractions (all by default), spread evenly over the text.

    Only unambiguous ones: ``n't``, ``'m``, ``'re``, ``'ve``, ``'ll``, ``let's``, ``'s``
    after a pronoun (``it's been`` → ``it has been``; possessives such as ``John's`` are
    never touched) and ``'d`` before a word that tells ``had`` from ``would``.
    """
    spans = _contraction_spans(text)
    chosen = spans if count is None else [spans[i] for i in _spread(count, len(spans))]
    return _replace(text, chosen) if chosen else text


def form_contractions(text: str, count: int) -> str:
    """Contract ``count`` spelled-out forms (``do not`` → ``don't``), spread evenly."""
    spans = _form_spans(text)
    chosen = [spans[i] for i in _spread(count, len(spans))]
    return _replace(text, chosen) if chosen else text


# -- sentence length -------------------------------------------------------------------------
