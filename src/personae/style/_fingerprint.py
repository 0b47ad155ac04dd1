"""The measured linguistic fingerprint of one text.

Field names follow the ``linguistic_analysis`` example of the ALwrity technical
architecture (seed 001) and add what authorship science relies on: function-word
counts (Mosteller & Wallace 1964; Burrows 2002), a punctuation profile, character
n-grams (Stamatatos 2009), pronoun perspective, readability and social-media habits.

Every number here is computed by :func:`personae.style.analyze`; nothing is guessed.
Counts are stored rather than rates wherever a profile needs to pool texts, so that
JSON round trips are lossless and rates can be recomputed exactly.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CharNgramProfile",
    "Fingerprint",
    "FunctionWordProfile",
    "ParagraphRhythm",
    "PronounPerspective",
    "PunctuationProfile",
    "Readability",
    "RepetitionPatterns",
    "RhetoricalAnalysis",
    "SentenceAnalysis",
    "SentenceComplexity",
    "SentenceLengthDistribution",
    "SentenceTypeDistribution",
    "SocialHabits",
    "VocabularyAnalysis",
    "WordLengthDistribution",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SentenceLengthDistribution(_Model):
    """Sentence lengths in words."""

    min: int
    max: int
    average: float
    stdev: float
    median: float
    p10: float
    p25: float
    p75: float
    p90: float
    histogram: tuple[int, ...] = Field(
        default=(),
        description="Sentences per length bin: 1-3, 4-6, ..., 37-39 words, then 40 or more "
        "(see personae.style._sentences.SENTENCE_LENGTH_BINS). Empty in fingerprints "
        "stored before it existed.",
    )


class SentenceTypeDistribution(_Model):
    """Share of sentences by their final mark; the three shares sum to 1."""

    declarative: float
    question: float
    exclamation: float


class SentenceComplexity(_Model):
    """Share of sentences with a subordinate clause (complex) or joined clauses (compound)."""

    complex_ratio: float
    compound_ratio: float


class SentenceAnalysis(_Model):
    sentence_count: int
    sentence_length_distribution: SentenceLengthDistribution
    sentence_type_distribution: SentenceTypeDistribution
    sentence_complexity: SentenceComplexity


class WordLengthDistribution(_Model):
    """Share of word tokens by length: short ≤ 3 letters, medium 4–6, long ≥ 7."""

    short: float
    medium: float
    long: float
    average: float


class VocabularyAnalysis(_Model):
    lexical_diversity: float = Field(
        description="Moving-average type-token ratio (MATTR, Covington & McFall 2010), "
        "window 50 tokens; robust to text length."
    )
    type_token_ratio: float
    hapax_ratio: float = Field(description="Share of word types that occur exactly once.")
    vocabulary_sophistication: float = Field(
        description="Share of content-word tokens with three or more syllables."
    )
    most_frequent_content_words: list[str]
    content_word_counts: dict[str, int] = Field(
        default_factory=dict,
        description="The 100 most frequent content words with their counts, most frequent first.",
    )
    word_length_distribution: WordLengthDistribution


class RepetitionPatterns(_Model):
    key_phrases: list[str] = Field(description="Content words and phrases the text repeats.")
    repeated_bigrams: list[str]


class RhetoricalAnalysis(_Model):
    questions: int
    exclamations: int
    metaphors: int = Field(description="Figurative comparisons: similes ('like a', 'as … as').")
    alliteration: list[str]
    repetition_patterns: RepetitionPatterns


class FunctionWordProfile(_Model):
    """Counts of the closed-class English words stylometry relies on."""

    counts: dict[str, int] = Field(description="Non-zero counts only, keyed by word.")
    total_words: int = Field(description="Word tokens in the text: the denominator of rates.")


class PunctuationProfile(_Model):
    counts: dict[str, int] = Field(description="Non-zero counts per punctuation mark.")
    per_1000_words: dict[str, float]


class CharNgramProfile(_Model):
    n: int
    top: dict[str, float] = Field(description="Most frequent lower-cased n-grams, relative share.")


class PronounPerspective(_Model):
    """Personal pronoun use per 1,000 words, and the dominant perspective."""

    first_singular: float
    first_plural: float
    second: float
    third: float
    dominant: str = Field(description="'I', 'we', 'you', 'they' or 'none'.")


class Readability(_Model):
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    gunning_fog: float
    coleman_liau_index: float
    automated_readability_index: float
    syllables_per_word: float


class SocialHabits(_Model):
    emoji: int
    hashtags: int
    mentions: int
    urls: int
    emoji_per_100_words: float
    hashtags_per_100_words: float


class ParagraphRhythm(_Model):
    paragraph_count: int
    average_words: float
    stdev_words: float
    min_words: int
    max_words: int
    sentences_per_paragraph: float


class Fingerprint(_Model):
    """Everything :func:`analyze` measures in one text.

    English-only families (function words, contractions, pronouns, readability) are
    ``None`` when the text is not English; ``notes`` then says which measures were left
    out and why. Sentence complexity and vocabulary sophistication are still computed
    (they are plain numbers in this schema) but rely on English word lists, which the
    note also says.
    """

    word_count: int
    character_count: int
    language: str = Field(description="'en' or 'unknown' (non-English or undetermined).")
    notes: list[str] = Field(default_factory=list)
    sentence_analysis: SentenceAnalysis
    vocabulary_analysis: VocabularyAnalysis
    rhetorical_analysis: RhetoricalAnalysis
    function_words: FunctionWordProfile | None
    punctuation: PunctuationProfile
    char_ngrams: CharNgramProfile
    contractions_per_100_words: float | None
    pronouns: PronounPerspective | None
    readability: Readability | None
    social: SocialHabits
    paragraphs: ParagraphRhythm
