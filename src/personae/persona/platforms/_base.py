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

The policies and result types live in ``_policies``, the rules and the score in
``_rules``, the strategies and prompt guidance in ``_strategies``; :class:`Platform` ties
them to one plugin's constraints.

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

from functools import cached_property
from typing import ClassVar

from personae.persona.platforms import _text
from personae.persona.platforms._policies import (
    ERROR_WEIGHT,
    WARNING_WEIGHT,
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    PlatformConstraints,
    PlatformInfo,
    PlatformReport,
    RuleResult,
    Severity,
    Strategy,
    StrategyInfo,
    TextMeasures,
)
from personae.persona.platforms._rules import constraint_rules, penalty, score, upper
from personae.persona.platforms._strategies import constraint_strategies, prompt_guidance

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
            constraint_rules(self.constraints, self.display_name, measures)
            + self.extra_rules(text, measures),
            key=lambda r: r.severity != "error",
        )
        failing = {r.rule_id for r in results if not r.passed}
        return PlatformReport(
            platform=self.name,
            passed=not any(r.severity == "error" and not r.passed for r in results),
            platform_optimization_quality=score(results),
            measures=measures,
            rules=results,
            fixable=[
                s.name
                for s in self._strategies
                if s.fix is not None and failing.intersection(s.rules)
            ],
        )

    # -- scoring (see ._rules) --------------------------------------------------------

    _upper = staticmethod(upper)
    """A rule that ``measured <= limit``, for :meth:`extra_rules` (:func:`._rules.upper`)."""
    score = staticmethod(score)
    penalty = staticmethod(penalty)

    # -- strategies -------------------------------------------------------------------

    @cached_property
    def _strategies(self) -> tuple[Strategy, ...]:
        base = constraint_strategies(self.constraints, self.display_name, self.length)
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
        return prompt_guidance(self.constraints, self.display_name, self.guidance)

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
