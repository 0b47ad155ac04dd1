"""Function words, pronouns and contractions: the English closed-class habits.

Function-word frequencies are the classic authorship signal because writers use them
unconsciously and independently of topic (Mosteller & Wallace 1964, *Inference and
Disputed Authorship: The Federalist*; Burrows 2002, "Delta"). Pronoun perspective
(Pennebaker 2011, *The Secret Life of Pronouns*) and the rate of contractions (a marker
of informal register, Biber 1988) describe the writer's stance.
"""

from __future__ import annotations

from personae.style._fingerprint import FunctionWordProfile, PronounPerspective
from personae.style._lexicon import (
    FIRST_PLURAL_PRONOUNS,
    FIRST_SINGULAR_PRONOUNS,
    FUNCTION_WORDS,
    SECOND_PERSON_PRONOUNS,
    THIRD_PERSON_PRONOUNS,
)
from personae.style._vocabulary import WordTypes

__all__ = [
    "contractions_per_100_words",
    "function_word_profile",
    "function_word_tokens",
    "pronoun_perspective",
]


def _count(words: WordTypes, index: dict[str, int], vocabulary: frozenset[str]) -> int:
    return sum(int(words.counts[index[w]]) for w in vocabulary if w in index)


def function_word_profile(words: WordTypes, index: dict[str, int]) -> FunctionWordProfile:
    """Counts of each word of :data:`~personae.style._lexicon.FUNCTION_WORDS` present.

    Parameters
    ----------
    words : WordTypes
    index : dict[str, int]
        Token string to type id.

    Returns
    -------
    FunctionWordProfile
        Non-zero counts in ``FUNCTION_WORDS`` order, and the word total.
    """
    counts = {w: int(words.counts[index[w]]) for w in FUNCTION_WORDS if w in index}
    return FunctionWordProfile(counts=counts, total_words=words.word_count)


def function_word_tokens(words: WordTypes) -> int:
    """Word tokens that are English closed-class words, to tell the language.

    Function words and contractions both count: "don't" and "it's" are as English as
    "do" and "it", and informal English uses many of them.
    """
    return int(words.counts[words.function | words.contraction].sum())


def contractions_per_100_words(words: WordTypes) -> float:
    """Contractions per 100 words (see :func:`~personae.style._vocabulary.is_contraction`).

    Possessives ("John's") are not contractions; "it's", "don't", "I'm" are.

    Parameters
    ----------
    words : WordTypes
        A text with at least one word.
    """
    return 100.0 * int(words.counts[words.contraction].sum()) / words.word_count


def pronoun_perspective(words: WordTypes, index: dict[str, int]) -> PronounPerspective:
    """Personal pronouns per 1,000 words by person, and the dominant perspective.

    First singular: I, me, my, mine, myself; first plural: we, us, our, ours,
    ourselves; second: you, your, yours, yourself, yourselves (and thou, thee, thy);
    third: he, she, they and their object, possessive and reflexive forms. Contracted
    forms (I'm, we've, you'll, they're…) count with their pronoun. 'it' is not counted:
    it rarely refers to a person. ``dominant`` is 'I', 'we', 'you' or 'they' (third
    person) for the largest rate, earlier in that order on ties, or 'none' when the text
    has no personal pronoun.

    Parameters
    ----------
    words : WordTypes
        A text with at least one word.
    index : dict[str, int]
        Token string to type id.

    Returns
    -------
    PronounPerspective
    """
    scale = 1000.0 / words.word_count
    rates = {
        label: _count(words, index, vocabulary) * scale
        for label, vocabulary in (
            ("I", FIRST_SINGULAR_PRONOUNS),
            ("we", FIRST_PLURAL_PRONOUNS),
            ("you", SECOND_PERSON_PRONOUNS),
            ("they", THIRD_PERSON_PRONOUNS),
        )
    }
    best = max(rates, key=lambda label: rates[label])
    return PronounPerspective(
        first_singular=rates["I"],
        first_plural=rates["we"],
        second=rates["you"],
        third=rates["they"],
        dominant=best if rates[best] > 0 else "none",
    )
