"""The named scalar dimensions a StyleProfile tracks, read off a Fingerprint.

Each dimension carries the words a person needs to act on a deviation: a label, a
unit and the edit that moves a text up or down. Function words are not listed here;
they are modelled as counts (see ``_wordmodel.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from personae.style._fingerprint import Fingerprint

__all__ = ["DIMENSIONS", "DIMENSIONS_BY_KEY", "DimensionSpec", "scalar_features"]


@dataclass(frozen=True, slots=True)
class DimensionSpec:
    """One measured dimension: how to read it and how to talk about it."""

    key: str
    label: str
    unit: str
    raise_hint: str
    lower_hint: str
    read: Callable[[Fingerprint], float | None]
    length_sensitive: bool = True
    """Whether the value of a short text is noisier than that of a long one."""
    per_words: int | None = None
    """For a rate of events per this many words: its counting noise in a text of ``n``
    words is Poisson, which matching adds to the voice's own spread."""
    sentence_share: bool = False
    """For a share of sentences: its counting noise is binomial over the text's sentences."""


def _punct(mark: str) -> Callable[[Fingerprint], float | None]:
    return lambda fp: fp.punctuation.per_1000_words.get(mark, 0.0)


DIMENSIONS: tuple[DimensionSpec, ...] = (
    DimensionSpec(
        "sentence_length.average",
        "average sentence length",
        " words",
        "Write longer sentences, joining related ideas",
        "Shorten your sentences; split long ones",
        lambda fp: fp.sentence_analysis.sentence_length_distribution.average,
    ),
    DimensionSpec(
        "sentence_length.stdev",
        "sentence length variation",
        " words",
        "Vary sentence length more: mix short punches with longer lines",
        "Keep sentence lengths more even",
        lambda fp: fp.sentence_analysis.sentence_length_distribution.stdev,
    ),
    DimensionSpec(
        "sentence_type.question",
        "share of questions",
        "",
        "Ask the reader more questions",
        "Ask fewer questions; state things",
        lambda fp: fp.sentence_analysis.sentence_type_distribution.question,
        sentence_share=True,
    ),
    DimensionSpec(
        "sentence_type.exclamation",
        "share of exclamations",
        "",
        "Use more exclamations",
        "Use fewer exclamations",
        lambda fp: fp.sentence_analysis.sentence_type_distribution.exclamation,
        sentence_share=True,
    ),
    DimensionSpec(
        "complexity.complex_ratio",
        "share of complex sentences",
        "",
        "Use more subordinate clauses (because, although, which)",
        "Use fewer subordinate clauses; say one thing per sentence",
        lambda fp: fp.sentence_analysis.sentence_complexity.complex_ratio,
    ),
    DimensionSpec(
        "complexity.compound_ratio",
        "share of compound sentences",
        "",
        "Join more clauses with ', and' / ', but' or semicolons",
        "Join fewer clauses; end sentences sooner",
        lambda fp: fp.sentence_analysis.sentence_complexity.compound_ratio,
    ),
    DimensionSpec(
        "vocabulary.lexical_diversity",
        "lexical diversity (MATTR)",
        "",
        "Vary your word choice more",
        "Repeat key words more; use plainer, more consistent wording",
        lambda fp: fp.vocabulary_analysis.lexical_diversity,
        length_sensitive=False,
    ),
    DimensionSpec(
        "vocabulary.sophistication",
        "share of long (3+ syllable) content words",
        "",
        "Use richer, more precise vocabulary",
        "Use plainer, shorter words",
        lambda fp: fp.vocabulary_analysis.vocabulary_sophistication,
    ),
    DimensionSpec(
        "word_length.average",
        "average word length",
        " letters",
        "Use longer, more specific words",
        "Use shorter words",
        lambda fp: fp.vocabulary_analysis.word_length_distribution.average,
    ),
    DimensionSpec(
        "contractions.per_100_words",
        "contractions",
        " per 100 words",
        "Use more contractions (it's, don't, you'll)",
        "Spell contractions out (it is, do not)",
        lambda fp: fp.contractions_per_100_words,
        per_words=100,
    ),
    DimensionSpec(
        "pronouns.first_singular",
        "'I / me / my'",
        " per 1,000 words",
        "Speak more in the first person ('I')",
        "Say 'I' less often",
        lambda fp: fp.pronouns.first_singular if fp.pronouns else None,
        per_words=1000,
    ),
    DimensionSpec(
        "pronouns.first_plural",
        "'we / us / our'",
        " per 1,000 words",
        "Say 'we' more often",
        "Say 'we' less often",
        lambda fp: fp.pronouns.first_plural if fp.pronouns else None,
        per_words=1000,
    ),
    DimensionSpec(
        "pronouns.second",
        "'you / your'",
        " per 1,000 words",
        "Address the reader directly ('you') more often",
        "Address the reader as 'you' less often",
        lambda fp: fp.pronouns.second if fp.pronouns else None,
        per_words=1000,
    ),
    DimensionSpec(
        "readability.flesch_reading_ease",
        "Flesch reading ease",
        "",
        "Make it easier to read: shorter sentences, simpler words",
        "Allow denser sentences and vocabulary",
        lambda fp: fp.readability.flesch_reading_ease if fp.readability else None,
    ),
    DimensionSpec(
        "punctuation.comma",
        "commas",
        " per 1,000 words",
        "Use more commas",
        "Use fewer commas",
        _punct(","),
        per_words=1000,
    ),
    DimensionSpec(
        "punctuation.semicolon",
        "semicolons",
        " per 1,000 words",
        "Use semicolons to join related clauses",
        "Drop semicolons; use full stops",
        _punct(";"),
        per_words=1000,
    ),
    DimensionSpec(
        "punctuation.colon",
        "colons",
        " per 1,000 words",
        "Introduce lists and points with colons",
        "Use fewer colons",
        _punct(":"),
        per_words=1000,
    ),
    DimensionSpec(
        "punctuation.dash",
        "dashes",
        " per 1,000 words",
        "Use dashes for asides",
        "Use fewer dashes",
        lambda fp: sum(fp.punctuation.per_1000_words.get(m, 0.0) for m in ("—", "–")),
        per_words=1000,
    ),
    DimensionSpec(
        "punctuation.parenthesis",
        "parentheses",
        " per 1,000 words",
        "Use parenthetical asides",
        "Use fewer parentheses",
        _punct("("),
        per_words=1000,
    ),
    DimensionSpec(
        "social.emoji_per_100_words",
        "emoji",
        " per 100 words",
        "Add an emoji where the voice would",
        "Use fewer emoji",
        lambda fp: fp.social.emoji_per_100_words,
        per_words=100,
    ),
    DimensionSpec(
        "social.hashtags_per_100_words",
        "hashtags",
        " per 100 words",
        "Add hashtags as the voice does",
        "Use fewer hashtags",
        lambda fp: fp.social.hashtags_per_100_words,
        per_words=100,
    ),
    DimensionSpec(
        "paragraphs.average_words",
        "paragraph length",
        " words",
        "Write longer paragraphs",
        "Break paragraphs up more often",
        lambda fp: fp.paragraphs.average_words,
        length_sensitive=False,
    ),
)


DIMENSIONS_BY_KEY: dict[str, DimensionSpec] = {spec.key: spec for spec in DIMENSIONS}


def scalar_features(fp: Fingerprint) -> dict[str, float]:
    """The dimensions of ``fp`` that could be measured (English-only ones may be absent)."""
    values: dict[str, float] = {}
    for spec in DIMENSIONS:
        value = spec.read(fp)
        if value is not None:
            values[spec.key] = float(value)
    return values
