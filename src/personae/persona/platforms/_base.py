"""What a platform is: constraints, prompt guidance, validation rules and optimisation strategies.

A platform plugin is a subclass of :class:`Platform` that sets its constraints as data
(every number with its published source) and, where the platform needs more, adds rules
in :meth:`Platform.extra_rules`. The base class turns the constraints into:

* **validation rules** (:meth:`Platform.validate`): one :class:`RuleResult` per check,
  with a stable ``rule_id``, a severity (``error``: the platform refuses or cuts the
  post; ``warning``: against the platform's own or the industry's published guidance),
  the measured value, the limit and a message that states both;
* **optimisation strategies** (:meth:`Platform.strategies`): a named revision
  instruction an LLM can follow for each failing rule and, where a deterministic edit
  is safe, a ``fix(text) -> text`` (trim hashtags, cut at a sentence end, remove links,
  strip Markdown …); :meth:`Platform.apply_fixes` runs the fixes of the failing rules;
* **prompt guidance** (:meth:`Platform.prompt_guidance`): lines a generator puts in its
  prompt so the first draft already fits;
* **platform optimisation quality** (:meth:`Platform.score`): a number in [0, 1]
  computed from the rule results, never estimated.

Example
-------
>>> from personae.persona import get_platform
>>> x = get_platform("x")
>>> [r.rule_id for r in x.validate("Hello world " * 30) if not r.passed]
['length.max_chars']
>>> x.length(x.apply_fixes("Hello world. " * 30)) <= 280
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from personae.persona.platforms import _text

__all__ = [
    "ERROR_WEIGHT",
    "WARNING_WEIGHT",
    "Bounds",
    "EmojiPolicy",
    "FormattingPolicy",
    "HashtagPolicy",
    "LengthPolicy",
    "LinkPolicy",
    "Platform",
    "PlatformConstraints",
    "PlatformInfo",
    "PlatformReport",
    "RuleResult",
    "Severity",
    "Strategy",
    "StrategyInfo",
    "TextMeasures",
]

Severity = Literal["error", "warning"]

ERROR_WEIGHT = 0.6
"""How much one failed ``error`` rule takes from platform quality (a factor of 0.4 left)."""
WARNING_WEIGHT = 0.2
"""How much one ``warning`` rule takes at most, in proportion to how far the text misses it."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Model):
    """An inclusive range; either end may be open (``None``)."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the range."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def miss(self, value: float) -> float:
        """How far ``value`` lies outside, relative to the bound it misses, capped at 1.

        0 inside the range; ``(value - max) / max`` above it, ``(min - value) / min``
        below it; a bound of 0 is missed fully by any excess.
        """
        if self.max is not None and value > self.max:
            return 1.0 if self.max == 0 else min(1.0, (value - self.max) / self.max)
        if self.min is not None and value < self.min:
            return min(1.0, (self.min - value) / self.min)
        return 0.0

    def __str__(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min:,}–{self.max:,}" if self.min != self.max else f"{self.min:,}"
        if self.max == 0:
            return "none"
        if self.max is not None:
            return f"at most {self.max:,}"
        if self.min is not None:
            return f"at least {self.min:,}"
        return "any"


class LengthPolicy(_Model):
    """How long a post may be and should be."""

    counting: Literal["characters", "weighted"] = Field(
        default="characters",
        description="'characters': Unicode code points after NFC; 'weighted': X's weighted "
        "count (URLs 23, emoji and CJK 2).",
    )
    max_chars: int | None = Field(
        default=None, ge=1, description="Hard limit: the platform refuses or cuts longer posts."
    )
    recommended_chars: Bounds | None = None
    recommended_words: Bounds | None = None
    preview_chars: int | None = Field(
        default=None,
        ge=1,
        description="Characters shown before 'see more': the opening sentence should fit.",
    )
    source: str = Field(description="Where each number comes from.")


class HashtagPolicy(_Model):
    """How many hashtags a post may and should carry."""

    max: int | None = Field(default=None, ge=0, description="Hard limit, if the platform has one.")
    recommended: Bounds | None = None
    source: str


class EmojiPolicy(_Model):
    """Whether emoji belong, and how many."""

    allowed: bool = True
    recommended_max: int | None = Field(default=None, ge=0)
    source: str


class LinkPolicy(_Model):
    """Whether links work in the text, and how they are counted."""

    allowed: bool = Field(default=True, description="False: the platform refuses links.")
    clickable: bool = Field(default=True, description="False: links show as dead text.")
    counted_as: int | None = Field(
        default=None, ge=0, description="Characters one link counts for, whatever its length."
    )
    source: str


class FormattingPolicy(_Model):
    """What formatting the platform renders, and how a text should be laid out."""

    line_breaks: bool = Field(default=True, description="Line breaks are kept when published.")
    markdown: bool = Field(
        default=False, description="Markdown (headings, **bold**) is rendered, not shown as is."
    )
    headings: Literal["required", "optional", "unsupported"] = "unsupported"
    lists: bool = Field(default=True, description="One item per line reads well here.")
    max_paragraph_words: int | None = Field(default=None, ge=1)
    max_section_words: int | None = Field(
        default=None, ge=1, description="Most words under one heading (or before the first)."
    )
    source: str


class PlatformConstraints(_Model):
    """Everything a platform limits or recommends, each part with its source."""

    length: LengthPolicy
    hashtags: HashtagPolicy
    emoji: EmojiPolicy
    links: LinkPolicy
    formatting: FormattingPolicy


class TextMeasures(_Model):
    """What the rules measure in one text (counted as the platform counts)."""

    length: int = Field(description="Length as the platform counts it (see counting).")
    characters: int = Field(
        description="Unicode code points after NFC, surrounding space left out."
    )
    words: int
    hashtags: int
    mentions: int
    urls: int
    emoji: int
    headings: int
    markdown_marks: int
    paragraphs: int
    longest_paragraph_words: int
    longest_section_words: int
    opening_chars: int = Field(
        description="Characters up to the end of the first sentence or line."
    )


class RuleResult(_Model):
    """The outcome of one validation rule on one text."""

    rule_id: str = Field(description="Stable id, e.g. 'length.max_chars' or 'hashtags.max'.")
    passed: bool
    severity: Severity
    message: str = Field(description="What was measured and what the limit is, for a person.")
    measured: int | float
    limit: int | float | Bounds
    miss: float = Field(
        ge=0.0, le=1.0, description="How far the text misses the rule: 0 passed, 1 fully."
    )


@dataclass(frozen=True, slots=True)
class Strategy:
    """A named way to repair texts that fail some rules.

    ``instruction`` is written for an LLM revising the text; ``fix``, when present, is a
    deterministic edit that is safe without one. A fix returns its input unchanged when
    there is nothing to repair, so applying it twice changes nothing more.
    """

    name: str
    rules: tuple[str, ...]
    instruction: str
    fix: Callable[[str], str] | None = None


class StrategyInfo(_Model):
    """A strategy as the API and the CLI show it."""

    name: str
    rules: list[str]
    instruction: str
    has_fix: bool


class PlatformReport(_Model):
    """One text checked against one platform: the rules, their score, what can be fixed."""

    platform: str
    passed: bool = Field(description="No error rule failed: the platform will take the text.")
    platform_optimization_quality: float = Field(ge=0.0, le=1.0)
    measures: TextMeasures
    rules: list[RuleResult] = Field(description="Errors first, then warnings.")
    fixable: list[str] = Field(
        description="Strategies with a deterministic fix for a failed rule (apply_fixes runs them)."
    )


class PlatformInfo(_Model):
    """A platform described for people and clients: limits, guidance and strategies."""

    name: str
    display_name: str
    description: str
    aliases: list[str]
    constraints: PlatformConstraints
    prompt_guidance: list[str]
    strategies: list[StrategyInfo]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


class Platform:
    """Base class of platform plugins.

    Subclasses set the class attributes; most need nothing else. Override
    :meth:`length` when the platform counts characters its own way (X), and
    :meth:`extra_rules` / :meth:`extra_strategies` for rules the constraints cannot
    express.

    Examples
    --------
    A plugin registers through the ``personae.platforms`` entry-point group::

        [project.entry-points."personae.platforms"]
        mastodon = "my_package.mastodon:Mastodon"
    """

    name: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    constraints: ClassVar[PlatformConstraints]
    guidance: ClassVar[tuple[str, ...]] = ()
    """Platform-specific lines for a generator's prompt, after the ones the constraints give."""

    def __repr__(self) -> str:
        return f"<Platform {self.name}>"

    # -- measuring --------------------------------------------------------------------

    def length(self, text: str) -> int:
        """The text's length as the platform counts it: code points after NFC."""
        return len(_text.nfc(text.strip()))

    def measure(self, text: str) -> TextMeasures:
        """Everything the rules look at, measured once."""
        layout = _text.sections(text)
        return TextMeasures(
            length=self.length(text),
            characters=len(_text.nfc(text.strip())),
            words=_text.count_words(text),
            hashtags=len(_text.hashtag_spans(text)),
            mentions=sum(1 for _ in _text.MENTION_RE.finditer(text)),
            urls=sum(1 for _ in _text.URL_RE.finditer(text)),
            emoji=sum(1 for _ in _text.EMOJI_RE.finditer(text)),
            headings=_text.heading_lines(text),
            markdown_marks=_text.markdown_marks(text),
            paragraphs=len(layout.paragraph_words),
            longest_paragraph_words=max(layout.paragraph_words, default=0),
            longest_section_words=max(layout.section_words, default=0),
            opening_chars=_text.first_sentence_end(text),
        )

    # -- validating -------------------------------------------------------------------

    def validate(self, text: str) -> list[RuleResult]:
        """Check ``text`` against every rule of the platform; errors first, then warnings.

        Parameters
        ----------
        text
            The post as it would be published.

        Returns
        -------
        list[RuleResult]
            One result per applicable rule, passed or not.
        """
        return self.report(text).rules

    def extra_rules(self, text: str, measures: TextMeasures) -> list[RuleResult]:
        """Rules beyond what the constraints express (none by default)."""
        return []

    def report(self, text: str) -> PlatformReport:
        """Validate ``text`` and score it: :meth:`validate` and :meth:`score` in one answer."""
        measures = self.measure(text)
        results = sorted(
            self._constraint_rules(measures) + self.extra_rules(text, measures),
            key=lambda r: r.severity != "error",
        )
        failing = {r.rule_id for r in results if not r.passed}
        return PlatformReport(
            platform=self.name,
            passed=not any(r.severity == "error" and not r.passed for r in results),
            platform_optimization_quality=self.score(results),
            measures=measures,
            rules=results,
            fixable=[
                s.name
                for s in self._strategies
                if s.fix is not None and failing.intersection(s.rules)
            ],
        )

    def _constraint_rules(self, m: TextMeasures) -> list[RuleResult]:
        c = self.constraints
        name = self.display_name
        out: list[RuleResult] = []
        unit = "weighted characters" if c.length.counting == "weighted" else "characters"
        if c.length.max_chars is not None:
            limit = c.length.max_chars
            out.append(
                self._upper(
                    "length.max_chars",
                    "error",
                    m.length,
                    limit,
                    f"{name}: {m.length:,} {unit}; the limit is {limit:,}",
                )
            )
        if c.length.recommended_chars is not None:
            out.append(
                self._range("length.recommended_chars", m.length, c.length.recommended_chars, unit)
            )
        if c.length.recommended_words is not None:
            out.append(
                self._range(
                    "length.recommended_words", m.words, c.length.recommended_words, "words"
                )
            )
        if c.length.preview_chars is not None and m.characters > c.length.preview_chars:
            limit = c.length.preview_chars
            out.append(
                self._upper(
                    "length.preview",
                    "warning",
                    m.opening_chars,
                    limit,
                    f"{name}: the first sentence ends after {m.opening_chars:,} characters; "
                    f"about {limit:,} are shown before 'see more'",
                    graded=True,
                )
            )
        if c.hashtags.max is not None:
            out.append(
                self._upper(
                    "hashtags.max",
                    "error",
                    m.hashtags,
                    c.hashtags.max,
                    f"{name}: {_count(m.hashtags, 'hashtag')}; the limit is {c.hashtags.max}",
                )
            )
        if c.hashtags.recommended is not None:
            out.append(
                self._range(
                    "hashtags.recommended",
                    m.hashtags,
                    c.hashtags.recommended,
                    "hashtags",
                    words=("too few", "too many"),
                )
            )
        if not c.emoji.allowed:
            out.append(
                self._upper(
                    "emoji.allowed",
                    "warning",
                    m.emoji,
                    0,
                    f"{name}: {m.emoji} emoji; recommended none",
                )
            )
        elif c.emoji.recommended_max is not None:
            limit = c.emoji.recommended_max
            out.append(
                self._upper(
                    "emoji.recommended_max",
                    "warning",
                    m.emoji,
                    limit,
                    f"{name}: {m.emoji} emoji; recommended at most {limit}",
                    graded=True,
                )
            )
        if not c.links.allowed:
            out.append(
                self._upper(
                    "links.allowed",
                    "error",
                    m.urls,
                    0,
                    f"{name}: {_count(m.urls, 'link')}; links are not allowed (limit 0)",
                )
            )
        elif not c.links.clickable:
            out.append(
                self._upper(
                    "links.clickable",
                    "warning",
                    m.urls,
                    0,
                    f"{name}: {_count(m.urls, 'link')}; links are not clickable here "
                    "(recommended none)",
                )
            )
        f = c.formatting
        if not f.markdown:
            out.append(
                self._upper(
                    "formatting.markdown",
                    "warning",
                    m.markdown_marks,
                    0,
                    f"{name}: {_count(m.markdown_marks, 'Markdown mark')} (# headings, "
                    "**bold**, links); they are shown as typed (recommended none)",
                )
            )
        if f.max_paragraph_words is not None:
            limit = f.max_paragraph_words
            out.append(
                self._upper(
                    "formatting.paragraph_words",
                    "warning",
                    m.longest_paragraph_words,
                    limit,
                    f"{name}: the longest paragraph has {m.longest_paragraph_words:,} words; "
                    f"recommended at most {limit:,}",
                    graded=True,
                )
            )
        if f.max_section_words is not None:
            limit = f.max_section_words
            out.append(
                self._upper(
                    "formatting.section_words",
                    "warning",
                    m.longest_section_words,
                    limit,
                    f"{name}: {m.longest_section_words:,} words run without a subheading; "
                    f"recommended at most {limit:,}",
                    graded=True,
                )
            )
        return out

    @staticmethod
    def _upper(
        rule_id: str,
        severity: Severity,
        measured: float,
        limit: float,
        message: str,
        *,
        graded: bool = False,
    ) -> RuleResult:
        """A rule that ``measured <= limit``.

        A failed error misses fully (1). A failed warning misses fully too, unless it is
        ``graded``: then by how far it lies over the limit, relative to the limit.
        """
        passed = measured <= limit
        if passed:
            miss = 0.0
        elif graded and severity == "warning":
            miss = Bounds(max=int(limit)).miss(measured)
        else:
            miss = 1.0
        return RuleResult(
            rule_id=rule_id,
            passed=passed,
            severity=severity,
            message=message,
            measured=measured,
            limit=limit,
            miss=round(miss, 4),
        )

    def _range(
        self,
        rule_id: str,
        measured: float,
        bounds: Bounds,
        unit: str,
        *,
        words: tuple[str, str] = ("too short", "too long"),
    ) -> RuleResult:
        """A warning that ``measured`` lies in the recommended ``bounds``, graded by distance."""
        passed = bounds.contains(measured)
        where = ""
        if not passed:
            low = bounds.min is not None and measured < bounds.min
            where = f" ({words[0] if low else words[1]})"
        return RuleResult(
            rule_id=rule_id,
            passed=passed,
            severity="warning",
            message=f"{self.display_name}: {_fmt(measured)} {unit}; recommended {bounds}{where}",
            measured=measured,
            limit=bounds,
            miss=round(bounds.miss(measured), 4),
        )

    # -- scoring ----------------------------------------------------------------------

    @staticmethod
    def score(results: list[RuleResult]) -> float:
        """Platform optimisation quality in [0, 1], computed from rule results.

        Each rule keeps a factor ``1 - weight × miss`` of the score: a failed error costs
        :data:`ERROR_WEIGHT` (0.6) whatever the size of the breach, since the platform
        refuses or cuts the post; a warning costs up to :data:`WARNING_WEIGHT` (0.2), in
        proportion to how far the text misses it. A text that passes everything scores 1;
        one broken hard limit caps the score at 0.4.
        """
        factor = 1.0
        for result in results:
            if not result.passed:
                weight = ERROR_WEIGHT if result.severity == "error" else WARNING_WEIGHT
                factor *= 1.0 - weight * result.miss
        return round(max(0.0, factor), 4)

    @staticmethod
    def penalty(result: RuleResult) -> float:
        """The factor one failed rule takes off the score (0 for a passed rule)."""
        if result.passed:
            return 0.0
        weight = ERROR_WEIGHT if result.severity == "error" else WARNING_WEIGHT
        return weight * result.miss

    # -- strategies -------------------------------------------------------------------

    @cached_property
    def _strategies(self) -> tuple[Strategy, ...]:
        base = self._constraint_strategies()
        last = tuple(s for s in base if s.name == "shorten")
        return tuple(s for s in base if s.name != "shorten") + self.extra_strategies() + last

    def strategies(self) -> tuple[Strategy, ...]:
        """Every strategy, in the order fixes are applied (cutting to length comes last)."""
        return self._strategies

    def strategies_for(self, rule_id: str) -> list[Strategy]:
        """The strategies that address ``rule_id``."""
        return [s for s in self._strategies if rule_id in s.rules]

    def extra_strategies(self) -> tuple[Strategy, ...]:
        """Strategies for :meth:`extra_rules` (none by default); applied before shortening."""
        return ()

    def _constraint_strategies(self) -> tuple[Strategy, ...]:
        c = self.constraints
        name = self.display_name
        out: list[Strategy] = []
        if not c.formatting.markdown:
            out.append(
                Strategy(
                    "plain_text",
                    ("formatting.markdown",),
                    f"{name} shows Markdown as typed: write plain text, with no # headings, "
                    "**bold**, *italics* or [link](url) syntax; use line breaks for structure.",
                    _text.strip_markdown,
                )
            )
        if not c.links.allowed or not c.links.clickable:
            why = "refuses links" if not c.links.allowed else "does not make links clickable"
            out.append(
                Strategy(
                    "remove_links",
                    ("links.allowed", "links.clickable"),
                    f"{name} {why}: take the URLs out of the text and say where to find "
                    "the page instead (for example 'link in bio').",
                    lambda text: _text.remove_spans(
                        text, [m.span() for m in _text.URL_RE.finditer(text)]
                    ),
                )
            )
        keep = _hashtag_keep(c.hashtags)
        if keep is not None or c.hashtags.recommended is not None:
            out.append(
                Strategy(
                    "trim_hashtags",
                    ("hashtags.max", "hashtags.recommended"),
                    f"Use {_hashtag_range(c.hashtags)} hashtags, specific to the topic, "
                    "together at the end.",
                    None if keep is None else partial(_text.trim_hashtags, keep=keep),
                )
            )
        emoji_keep = 0 if not c.emoji.allowed else c.emoji.recommended_max
        if emoji_keep is not None:
            out.append(
                Strategy(
                    "limit_emoji",
                    ("emoji.allowed", "emoji.recommended_max"),
                    "Use no emoji." if emoji_keep == 0 else f"Use at most {emoji_keep} emoji.",
                    partial(_text.limit_emoji, keep=emoji_keep),
                )
            )
        if c.length.preview_chars is not None:
            out.append(
                Strategy(
                    "hook_first",
                    ("length.preview",),
                    f"Open with one short sentence that makes the point or the promise: "
                    f"{name} shows only about {c.length.preview_chars} characters before "
                    "'see more'.",
                )
            )
        if c.formatting.max_paragraph_words is not None:
            out.append(
                Strategy(
                    "split_paragraphs",
                    ("formatting.paragraph_words",),
                    f"Split paragraphs longer than {c.formatting.max_paragraph_words} words; "
                    "one idea per paragraph.",
                )
            )
        if c.formatting.max_section_words is not None:
            out.append(
                Strategy(
                    "add_subheadings",
                    ("formatting.section_words",),
                    "Add a descriptive subheading (## …) at least every "
                    f"{c.formatting.max_section_words} words.",
                )
            )
        if c.length.recommended_chars is not None or c.length.recommended_words is not None:
            target = (
                f"{c.length.recommended_words} words"
                if c.length.recommended_words is not None
                else f"{c.length.recommended_chars} characters"
            )
            out.append(
                Strategy(
                    "fit_recommended_length",
                    ("length.recommended_chars", "length.recommended_words"),
                    f"Bring the text to {target}: cut repetition and side points when it is "
                    "long; add a concrete example or detail when it is short.",
                )
            )
        if c.length.max_chars is not None:
            limit = c.length.max_chars
            counted = (
                " (URLs count 23, emoji and CJK characters 2)"
                if c.length.counting == "weighted"
                else ""
            )
            out.append(
                Strategy(
                    "shorten",
                    ("length.max_chars",),
                    f"Cut the text to at most {limit:,} characters{counted}: drop the least "
                    "important sentences rather than abbreviating words.",
                    partial(_text.shorten, limit=limit, length=self.length),
                )
            )
        return tuple(out)

    def apply_fixes(self, text: str) -> str:
        """Apply the deterministic fixes of every failing rule that has one.

        Fixes run in :meth:`strategies` order (removals first, cutting to length last),
        each only when a rule it addresses fails. Every fix leaves a text it has nothing
        to do on unchanged, so ``apply_fixes(apply_fixes(t)) == apply_fixes(t)``; a hard
        limit with a fix (length, hashtag count) always passes afterwards.
        """
        failing = {r.rule_id for r in self.validate(text) if not r.passed}
        for strategy in self._strategies:
            if strategy.fix is not None and failing.intersection(strategy.rules):
                text = strategy.fix(text)
        return text

    # -- guidance ---------------------------------------------------------------------

    def prompt_guidance(self) -> list[str]:
        """Lines a generator puts in its prompt so the first draft fits the platform."""
        c = self.constraints
        name = self.display_name
        lines = []
        if c.length.max_chars is not None:
            how = (
                " (URLs count 23, emoji and CJK characters count 2)"
                if c.length.counting == "weighted"
                else ""
            )
            lines.append(f"Write at most {c.length.max_chars:,} characters{how}.")
        if c.length.recommended_words is not None:
            lines.append(f"Aim for {c.length.recommended_words} words.")
        if c.length.recommended_chars is not None:
            lines.append(f"Aim for {c.length.recommended_chars} characters.")
        if c.length.preview_chars is not None:
            lines.append(
                f"Make the first sentence the hook: {name} shows about "
                f"{c.length.preview_chars} characters before 'see more'."
            )
        if c.hashtags.recommended is not None and c.hashtags.recommended.max == 0:
            lines.append("Do not use hashtags.")
        elif c.hashtags.recommended is not None or c.hashtags.max is not None:
            lines.append(f"Use {_hashtag_range(c.hashtags)} relevant hashtags, at the end.")
        if not c.emoji.allowed:
            lines.append("Do not use emoji.")
        elif c.emoji.recommended_max is not None:
            lines.append(f"Use at most {c.emoji.recommended_max} emoji.")
        if not c.links.allowed:
            lines.append(f"Do not include links: {name} refuses them.")
        elif not c.links.clickable:
            lines.append(f"Do not put URLs in the text: {name} does not make them clickable.")
        if not c.formatting.markdown:
            lines.append(
                f"Plain text only: {name} shows Markdown as typed (no # headings, no **bold**)."
            )
        if c.formatting.headings == "required":
            lines.append("Structure the text with Markdown subheadings (## …).")
        if c.formatting.max_section_words is not None:
            lines.append(f"Put a subheading at least every {c.formatting.max_section_words} words.")
        if c.formatting.max_paragraph_words is not None:
            lines.append(f"Keep paragraphs under {c.formatting.max_paragraph_words} words.")
        if c.formatting.line_breaks and not c.formatting.markdown:
            lines.append("Use short paragraphs separated by blank lines.")
        return lines + list(self.guidance)

    def info(self) -> PlatformInfo:
        """The platform described for the API and the CLI."""
        return PlatformInfo(
            name=self.name,
            display_name=self.display_name,
            description=self.description,
            aliases=list(self.aliases),
            constraints=self.constraints,
            prompt_guidance=self.prompt_guidance(),
            strategies=[
                StrategyInfo(
                    name=s.name,
                    rules=list(s.rules),
                    instruction=s.instruction,
                    has_fix=s.fix is not None,
                )
                for s in self._strategies
            ],
        )


def _hashtag_keep(policy: HashtagPolicy) -> int | None:
    """How many hashtags the trimming fix keeps: the recommended maximum, else the hard one."""
    if policy.recommended is not None and policy.recommended.max is not None:
        return policy.recommended.max
    return policy.max


def _hashtag_range(policy: HashtagPolicy) -> str:
    if policy.recommended is not None:
        return str(policy.recommended)
    return f"at most {policy.max}" if policy.max is not None else "any number of"
