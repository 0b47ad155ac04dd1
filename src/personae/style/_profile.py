"""StyleProfile: a voice built from many samples, and how a text matches it.

A profile keeps, for every measured dimension, the running mean and spread over its
samples (Welford 1962; merged with Chan et al. 1979), and for function words the sums a
beta-binomial model needs (see ``_wordmodel.py``). Adding samples touches only these
sums, so ``update`` never re-reads old texts.

Matching asks how typical a text is of the voice: every dimension becomes a z-score
against the profile's own spread (widened for texts shorter than the samples, whose
measures are noisier), function words become beta-binomial z-scores, and the squared
deviations are weighed by a logistic model into a score in [0, 1]. Its weights were
fitted, class-balanced, on authorship corpora that the benchmarks do not evaluate on
(see ``benchmarks/calibrate_match.py``), so 0.5 means even odds of the same writer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from personae.errors import (
    EmptyTextError,
    IncompatibleProfileError,
    ProfileError,
    TextTooShortError,
)
from personae.style._analyze import analyze
from personae.style._evidence import (
    SYNTAX_VOCABULARY,
    GramStats,
    TextEvidence,
    WordStats,
    text_evidence,
)
from personae.style._features import DIMENSIONS, DIMENSIONS_BY_KEY, DimensionSpec, scalar_features
from personae.style._fingerprint import Fingerprint
from personae.style._lexicon import FUNCTION_WORDS
from personae.style._results import Deviation, Match, Suggestion
from personae.style._sentences import SENTENCE_LENGTH_BINS, SentenceLengthBin, length_bins
from personae.style._wordmodel import FunctionWordStats, counts_vector

__all__ = [
    "MIN_WORDS_TO_JUDGE",
    "PROFILE_FORMAT_VERSION",
    "Dimension",
    "RunningStat",
    "StyleProfile",
    "expected_spread",
    "length_factor",
]

PROFILE_FORMAT_VERSION = 1
MIN_WORDS_TO_JUDGE = 25
"""Below this many words a text carries too little evidence to match or attribute."""

_MAX_CONTENT_WORDS = 300
"""Content words a profile keeps counts for; rarer ones are dropped as samples arrive."""
_MIN_SPREAD_SHARE = 0.1
"""A dimension's spread is floored at this share of its mean (and an absolute floor)
so that a voice with identical samples does not turn tiny differences into huge z."""
_Z_CAP = 6.0
_FW_MIN_EXPECTED = 1.0
"""Function words expected fewer times than this in the text are skipped: a count of
0 versus 0.3 says nothing about the writer."""

_FUNCTION_WORDS_TERM = "function_words.mean_squared_z"

# Typicality = logistic(intercept - sum(weight * squared deviation)), fitted with
# benchmarks/calibrate_match.py on corpora the evaluation never uses.
_TYPICALITY_INTERCEPT = 1.5217
_TYPICALITY_WEIGHTS: dict[str, float] = {
    "complexity.complex_ratio": 0.0008,
    "function_words.mean_squared_z": 0.5227,
    "paragraphs.average_words": 0.0145,
    "pronouns.second": 0.0218,
    "punctuation.colon": 0.0195,
    "punctuation.comma": 0.1625,
    "punctuation.semicolon": 0.0464,
    "sentence_length.average": 0.1032,
    "sentence_length.stdev": 0.025,
    "sentence_type.question": 0.0172,
    "vocabulary.lexical_diversity": 1.9877,
    "word_length.average": 0.7459,
}
"""Dimensions absent here got no weight in the fit: they did not separate writers
once the others were known."""


class RunningStat(BaseModel):
    """Count, mean and sum of squared deviations of one dimension (Welford)."""

    model_config = ConfigDict(extra="forbid")

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, value: float) -> None:
        self.n += 1
        delta = value - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (value - self.mean)

    @property
    def stdev(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0


class Dimension(BaseModel):
    """One dimension of a voice as people read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    label: str
    value: float
    spread: float
    unit: str


class StyleProfile(BaseModel):
    """A writer's voice measured over many samples.

    Examples
    --------
    >>> profile = StyleProfile.from_texts([essay_1, essay_2], name="ada")  # doctest: +SKIP
    >>> profile.match(draft).score  # doctest: +SKIP
    0.83
    """

    model_config = ConfigDict(extra="forbid")

    format_version: int = PROFILE_FORMAT_VERSION
    name: str = Field(min_length=1, max_length=200)
    sample_count: int = 0
    word_count: int = 0
    english_samples: int = 0
    dimensions: dict[str, RunningStat] = Field(default_factory=dict)
    function_words: FunctionWordStats = Field(default_factory=FunctionWordStats.empty)
    content_words: dict[str, int] = Field(
        default_factory=dict,
        description="Counts of the voice's most frequent content words over its samples.",
    )
    char_grams: GramStats = Field(
        default_factory=GramStats,
        description="Typed character 3-gram counts over the samples (bounded vocabulary).",
    )
    words: WordStats = Field(
        default_factory=WordStats,
        description="Rates of the voice's most frequent words over its samples (Cosine Delta).",
    )
    syntax: GramStats = Field(
        default_factory=GramStats,
        description="Function-word 2- and 3-gram counts over the samples (other words as "
        "'*', punctuation kept; bounded vocabulary). Empty in profiles stored before it "
        "existed, which attribution then judges without it.",
    )
    sentence_lengths: list[int] = Field(
        default_factory=list,
        description="Sentences per length bin over the samples (running counts; see "
        "sentence_length_histogram). Empty in profiles stored before it existed.",
    )

    # -- building -------------------------------------------------------------------

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        *,
        name: str,
        on_progress: Callable[[int], None] | None = None,
    ) -> Self:
        """Measure every text and pool them into one voice.

        Parameters
        ----------
        texts
            Samples written by one person; each is analysed on its own.
        name
            What the voice is called.
        on_progress
            Called with the number of texts done after each one.

        Raises
        ------
        EmptyTextError
            If ``texts`` is empty.
        InputError
            If a text cannot be analysed (empty, binary, oversize).
        """
        profile = cls(name=name)
        profile.update(texts, on_progress=on_progress)
        if profile.sample_count == 0:
            raise EmptyTextError("no writing samples given: a voice needs at least one text")
        return profile

    @classmethod
    def from_fingerprints(cls, fingerprints: Iterable[Fingerprint], *, name: str) -> Self:
        """Pool already measured texts into one voice."""
        profile = cls(name=name)
        for fp in fingerprints:
            profile.add_fingerprint(fp)
        if profile.sample_count == 0:
            raise EmptyTextError("no writing samples given: a voice needs at least one text")
        return profile

    def update(
        self, texts: Iterable[str], *, on_progress: Callable[[int], None] | None = None
    ) -> Self:
        """Add samples to the voice without recomputing the old ones; returns ``self``."""
        for done, text in enumerate(texts, start=1):
            self.add_fingerprint(analyze(text), evidence=text_evidence(text))
            if on_progress is not None:
                on_progress(done)
        return self

    def add_fingerprint(self, fp: Fingerprint, *, evidence: TextEvidence | None = None) -> None:
        """Add one measured sample, and its character and word evidence when given
        (:func:`personae.style._evidence.text_evidence` of the same text)."""
        self.sample_count += 1
        if evidence is not None:
            self.char_grams.add(evidence.grams)
            self.words.add(evidence.words)
            self.syntax.add(evidence.syntax, vocabulary=SYNTAX_VOCABULARY)
        self.word_count += fp.word_count
        for key, value in scalar_features(fp).items():
            self.dimensions.setdefault(key, RunningStat()).add(value)
        histogram = fp.sentence_analysis.sentence_length_distribution.histogram
        if histogram:
            if not self.sentence_lengths:
                self.sentence_lengths = [0] * len(histogram)
            self.sentence_lengths = [
                a + b for a, b in zip(self.sentence_lengths, histogram, strict=True)
            ]
        if fp.function_words is not None and fp.function_words.total_words > 0:
            self.english_samples += 1
            self.function_words.add(fp.function_words.counts, fp.function_words.total_words)
        for word, count in fp.vocabulary_analysis.content_word_counts.items():
            self.content_words[word] = self.content_words.get(word, 0) + count
        if len(self.content_words) > _MAX_CONTENT_WORDS:
            ranked = sorted(self.content_words.items(), key=lambda kv: (-kv[1], kv[0]))
            self.content_words = dict(ranked[:_MAX_CONTENT_WORDS])

    def compact(self, *, grams: int, words: int) -> Self:
        """A copy keeping only the ``grams`` most frequent 3-grams and ``words`` words."""
        return self.model_copy(
            update={
                "char_grams": self.char_grams.compact(grams),
                "words": self.words.compact(words),
            },
            deep=True,
        )

    # -- reading ----------------------------------------------------------------------

    @property
    def key_words(self) -> list[str]:
        """Content words the voice returns to most, across samples."""
        ranked = sorted(self.content_words.items(), key=lambda kv: (-kv[1], kv[0]))
        return [word for word, _ in ranked[:15]]

    @property
    def sentence_length_histogram(self) -> list[SentenceLengthBin]:
        """How the voice's sentences spread over lengths: 1-3, 4-6, ..., 37-39 words and 40+.

        The mean and spread of ``describe`` cannot tell a writer who mixes 4-word
        punchlines with 30-word sentences from one who writes 17 words every time; this
        can. Each bin holds the count of the samples' sentences of that length and its
        share of them. Profiles stored before the histogram existed count only samples
        added since (all bins 0 until then).
        """
        return length_bins(self.sentence_lengths)

    def describe(self) -> list[Dimension]:
        """Every tracked dimension with its mean and spread, in a fixed order."""
        out = []
        for spec in DIMENSIONS:
            stat = self.dimensions.get(spec.key)
            if stat is None or stat.n == 0:
                continue
            out.append(
                Dimension(
                    key=spec.key,
                    label=spec.label,
                    value=stat.mean,
                    spread=stat.stdev,
                    unit=spec.unit,
                )
            )
        return out

    def to_json(self) -> str:
        """Serialise the profile (lossless; see :meth:`from_json`)."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Self:
        """Read a profile written by :meth:`to_json`.

        Raises
        ------
        IncompatibleProfileError
            If the profile was written by a format this release cannot read.
        ProfileError
            If the data is not a valid profile.
        """
        try:
            profile = cls.model_validate_json(data)
        except ValidationError as exc:
            raise ProfileError(f"not a valid style profile: {exc.errors()[0]['msg']}") from exc
        if profile.format_version != PROFILE_FORMAT_VERSION:
            raise IncompatibleProfileError(
                f"profile format {profile.format_version} is not supported "
                f"(this release reads format {PROFILE_FORMAT_VERSION}); rebuild it from the samples"
            )
        if len(profile.function_words.counts) != len(FUNCTION_WORDS):
            raise ProfileError("profile function-word table does not match this release")
        if profile.sentence_lengths and len(profile.sentence_lengths) != SENTENCE_LENGTH_BINS:
            raise ProfileError("profile sentence-length histogram does not match this release")
        return profile

    # -- matching ---------------------------------------------------------------------

    def match(self, text: str, *, against: Sequence[StyleProfile] = ()) -> Match:
        """How well ``text`` matches this voice, what deviates, and what to change.

        Parameters
        ----------
        text
            The text to judge.
        against
            Other voices the text could belong to (a team's other personas, say). On its
            own a profile can only say how *typical* a text is of it; with rivals it can
            also say whether this voice explains the text better than they do, which
            separates close writers far more sharply (the impostors idea of Koppel &
            Winter 2014). The score is then ``typicality × share``, where ``share`` is
            this voice's posterior among itself and the rivals.

        Raises
        ------
        TextTooShortError
            If the text has fewer than :data:`MIN_WORDS_TO_JUDGE` words.
        """
        return self.match_fingerprint(analyze(text), against=against, evidence=text_evidence(text))

    def match_fingerprint(
        self,
        fp: Fingerprint,
        *,
        against: Sequence[StyleProfile] = (),
        evidence: TextEvidence | None = None,
    ) -> Match:
        """:meth:`match` for an already measured text (``evidence``: its
        :func:`~personae.style._evidence.text_evidence`, used when ranking rivals)."""
        if fp.word_count < MIN_WORDS_TO_JUDGE:
            raise TextTooShortError(
                words=fp.word_count, needed=MIN_WORDS_TO_JUDGE, what="match it against a voice"
            )
        terms, deviations, fw_suggestions = self._evidence(fp)
        logit = _TYPICALITY_INTERCEPT - sum(
            _TYPICALITY_WEIGHTS.get(key, 0.0) * value for key, value in terms.items()
        )
        typicality = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))
        share = None
        if against:
            # Imported here: attribution builds on profiles, not the other way round.
            from personae.style._attribution import attribute_fingerprint

            rivals = [p for p in against if p is not self and p.name != self.name]
            ranking = attribute_fingerprint(fp, [self, *rivals], evidence=evidence)
            share = next(a.score for a in ranking if a.name == self.name)
        score = typicality if share is None else typicality * share
        notes = []
        if self.sample_count < 3:
            notes.append(
                f"the voice is built from {self.sample_count} sample(s); "
                "scores are rough until it has at least 3"
            )
        if fp.language != "en":
            notes.extend(fp.notes)
        elif self.english_samples == 0:
            notes.append("the voice has no English samples; function words were not compared")
        suggestions = self._suggestions(deviations) + fw_suggestions
        total = sum(s.impact for s in suggestions) or 1.0
        suggestions = sorted(
            (s.model_copy(update={"impact": round(s.impact / total, 4)}) for s in suggestions),
            key=lambda s: -s.impact,
        )
        return Match(
            profile=self.name,
            score=round(score, 4),
            typicality=round(typicality, 4),
            share=None if share is None else round(share, 4),
            word_count=fp.word_count,
            deviations=sorted(deviations, key=lambda d: -abs(d.z)),
            suggestions=suggestions[:8],
            notes=notes,
        )

    def typicality_terms(self, fp: Fingerprint) -> dict[str, float]:
        """Squared deviation of ``fp`` from the voice per dimension, and over function words.

        These are the inputs of the typicality score; ``benchmarks/calibrate_match.py``
        fits the weights on them.
        """
        return self._evidence(fp)[0]

    def _evidence(
        self, fp: Fingerprint
    ) -> tuple[dict[str, float], list[Deviation], list[Suggestion]]:
        deviations = self._deviations(fp)
        fw_mean_sq, fw_suggestions = self._function_word_evidence(fp)
        terms = {d.dimension: d.z**2 for d in deviations}
        if fw_mean_sq is not None:
            terms[_FUNCTION_WORDS_TERM] = fw_mean_sq
        return terms, deviations, fw_suggestions

    def _deviations(self, fp: Fingerprint) -> list[Deviation]:
        factor = length_factor(self, fp)
        out = []
        for key, value in scalar_features(fp).items():
            stat = self.dimensions.get(key)
            if stat is None or stat.n == 0:
                continue
            spec = DIMENSIONS_BY_KEY[key]
            spread = expected_spread(spec, stat, fp, length_factor=factor)
            z = max(-_Z_CAP, min(_Z_CAP, (value - stat.mean) / spread))
            out.append(
                Deviation(
                    dimension=key,
                    label=spec.label,
                    profile_value=round(stat.mean, 4),
                    profile_spread=round(stat.stdev, 4),
                    text_value=round(value, 4),
                    z=round(z, 3),
                    message=f"{spec.label}: this voice averages {_fmt(stat.mean)}{spec.unit}; "
                    f"this text {_fmt(value)}{spec.unit}",
                )
            )
        return out

    def _function_word_evidence(self, fp: Fingerprint) -> tuple[float | None, list[Suggestion]]:
        stats = self.function_words
        if fp.function_words is None or stats.texts == 0:
            return None, []
        n = fp.function_words.total_words
        x = counts_vector(fp.function_words.counts)
        p = stats.rates()
        rho = stats.overdispersion()
        expected = n * p
        variance = n * p * (1 - p) * (1 + (n - 1) * rho)
        z = (x - expected) / np.sqrt(np.maximum(variance, 1e-12))
        usable = expected >= _FW_MIN_EXPECTED
        z2 = np.minimum(z[usable] ** 2, _Z_CAP**2)
        fw_mean_sq = float(z2.mean()) if z2.size else None
        suggestions = []
        order = np.argsort(-(np.where(usable, z, 0.0) ** 2))
        for idx in order[:3]:
            if not usable[idx] or abs(z[idx]) < 2.5:
                break
            word = FUNCTION_WORDS[idx]
            voice_rate = p[idx] * 1000
            text_rate = x[idx] / n * 1000
            verb = "Use" if z[idx] < 0 else "Use less of"
            suggestions.append(
                Suggestion(
                    dimension=f"function_words.{word}",
                    message=f"{verb} '{word}': this voice uses it {_fmt(voice_rate)} times per "
                    f"1,000 words; this text {_fmt(text_rate)}",
                    impact=float(z[idx] ** 2) / 4,
                    priority=_priority(float(z[idx])),
                )
            )
        return fw_mean_sq, suggestions

    @staticmethod
    def _suggestions(deviations: list[Deviation]) -> list[Suggestion]:
        out = []
        for d in deviations:
            if abs(d.z) < 1.5:
                continue
            spec = DIMENSIONS_BY_KEY[d.dimension]
            hint = spec.raise_hint if d.z < 0 else spec.lower_hint
            out.append(
                Suggestion(
                    dimension=d.dimension,
                    message=f"{hint}: this voice averages {_fmt(d.profile_value)}{spec.unit}; "
                    f"this text {_fmt(d.text_value)}{spec.unit}",
                    impact=d.z**2,
                    priority=_priority(d.z),
                )
            )
        return out


def length_factor(profile: StyleProfile, fp: Fingerprint) -> float:
    """How much noisier a text's measures are than the voice's samples, by word count."""
    sample_words = profile.word_count / max(profile.sample_count, 1)
    return math.sqrt(max(1.0, sample_words / max(fp.word_count, 1)))


def expected_spread(
    spec: DimensionSpec, stat: RunningStat, fp: Fingerprint, *, length_factor: float
) -> float:
    """How far a text by this voice would typically lie from its mean on one dimension.

    Rates of events (commas per 1,000 words, say) add the Poisson noise of counting them
    in a text of this length, and shares of sentences add binomial noise over its
    sentences, so one semicolon in a 200-word post is not read as a change of voice.
    Other dimensions widen the voice's spread by ``length_factor`` for texts shorter
    than its samples.
    """
    if spec.per_words is not None:
        words = max(fp.word_count, 1)
        events = max(stat.mean * words / spec.per_words, 0.5)
        return math.sqrt(stat.stdev**2 + events * (spec.per_words / words) ** 2)
    if spec.sentence_share:
        sentences = max(fp.sentence_analysis.sentence_count, 1)
        share = min(max(stat.mean, 0.5 / sentences), 1 - 0.5 / sentences)
        return math.sqrt(stat.stdev**2 + share * (1 - share) / sentences)
    spread = max(stat.stdev, _MIN_SPREAD_SHARE * abs(stat.mean), 0.01)
    return spread * length_factor if spec.length_sensitive else spread


def _priority(z: float) -> Literal["high", "medium", "low"]:
    size = abs(z)
    return "high" if size >= 3 else "medium" if size >= 2 else "low"


def _fmt(value: float) -> str:
    if abs(value) >= 10:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.1f}"
    return f"{value:.2f}"
