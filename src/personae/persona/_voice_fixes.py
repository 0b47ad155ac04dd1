"""Voice fixes: deterministic, explainable edits that move a text toward a measured voice.

The voice counterpart of a platform's :meth:`~personae.persona.Platform.apply_fixes`. A
small model's drafts rarely sound like the writer; some of the distance is mechanical, and
code closes that part better than another round of prompting:

**Repairs** (broken text, whatever the voice):

* ``collapse_repetition`` — a word or phrase repeated three or more times in a row
  (``a leader, a leader, a leader``) becomes one; a sentence that repeats an earlier one
  (the same words, or contained in it, or four fifths of its word triples seen before)
  goes. Small models loop; a loop is never anyone's voice.
* ``drop_unfinished_ending`` — when the model ran out of tokens (``truncated``), the
  sentence it was cut in goes, so the text ends on a full stop.

**Voice moves** (toward the voice: a stated rule, or the profile's mean on one measured
dimension):

* ``replace_avoid_words`` — the persona's avoid words get a plain replacement where a
  safe one is known (``leverage`` → ``use``; an intensifier such as ``really`` is
  deleted); otherwise the sentence holding one goes. A stated rule: applied whenever an
  avoid word is found.
* ``limit_emoji`` / ``limit_exclamations`` — emoji removed and exclamation marks turned
  into full stops down to what the voice uses.
* ``contractions`` — contractions spelled out (``don't`` → ``do not``) or formed
  (``it is going`` → ``it's going``) until the rate is the voice's.
* ``sentence_length`` — over-long sentences split at clause boundaries (``; ``,
  ``, but``, ``, and`` + a subject) when the voice writes shorter ones; short declarative
  neighbours joined (``, and`` or ``;``, as the voice punctuates) when it writes longer.
* ``paragraphs`` — adjacent paragraphs merged, or long ones split at a sentence end,
  toward the voice's paragraph length (never past ``max_paragraph_words``).

Every edit is measured: the text is analysed before and after
(:func:`personae.style.analyze`), and a voice move is kept only when it lowers the text's
squared deviation from the profile on the dimension it targets
(:meth:`StyleProfile.typicality_terms`) *and* does not lower the profile's match score.
Without a profile, the persona's stated rules (:class:`VoiceRules`) give the target and
the move is kept when the text gets closer to it. Repairs are always kept: they fix
broken text rather than move it toward anyone (``VoiceFixResult.repaired`` is the text
after them alone, so a caller can score the moves' worth). With ``finish`` (a platform's
fixes) every measure is taken on the text as it will be published. Each edit leaves a
text it has nothing to do on unchanged (the same string), and the moves stop at the
voice's value, so running the fixes twice changes nothing more.

Each family of fixes is a module of :mod:`personae.persona._fixes` (``_repairs``,
``_words``, ``_contractions``, ``_sentences``, ``_paragraphs``, over the shared
``_prose`` helpers); this module holds the result types, one small function per fix
that proposes its move from the text as it stands (``_REPAIRS``, then ``_VOICE_MOVES``,
in :data:`FIX_NAMES` order), and :func:`apply_voice_fixes`, the pipeline that measures
each move and keeps or drops it.

Edits are conservative: only plain prose paragraphs (no headings, lists, hashtag blocks or
line breaks inside) are split, joined or re-paragraphed; only declarative neighbours are
joined, into at most four clauses, and only when the second's first word is known not
to be a name (a function word, or a word the text also writes in lower case) or known to
be one (then it keeps its capital).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from personae.errors import InputError
from personae.persona._fixes._contractions import expand_contractions, form_contractions
from personae.persona._fixes._paragraphs import reparagraph
from personae.persona._fixes._repairs import collapse_repetition, drop_unfinished_ending
from personae.persona._fixes._sentences import join_sentences, split_sentences
from personae.persona._fixes._words import limit_exclamations, remove_emoji, replace_avoid_words
from personae.persona._measure import measure_text
from personae.persona._voice_rules import VoiceRules
from personae.style import (
    MIN_WORDS_TO_JUDGE,
    Fingerprint,
    StyleProfile,
)

__all__ = [
    "FIX_NAMES",
    "FixKind",
    "FixName",
    "VoiceFix",
    "VoiceFixResult",
    "apply_voice_fixes",
    "collapse_repetition",
    "drop_unfinished_ending",
    "expand_contractions",
    "form_contractions",
    "join_sentences",
    "limit_exclamations",
    "remove_emoji",
    "reparagraph",
    "replace_avoid_words",
    "split_sentences",
]

FixName = Literal[
    "collapse_repetition",
    "drop_unfinished_ending",
    "replace_avoid_words",
    "limit_emoji",
    "limit_exclamations",
    "contractions",
    "sentence_length",
    "paragraphs",
]
FixKind = Literal["repair", "voice"]

FIX_NAMES: tuple[FixName, ...] = (
    "collapse_repetition",
    "drop_unfinished_ending",
    "replace_avoid_words",
    "limit_emoji",
    "limit_exclamations",
    "contractions",
    "sentence_length",
    "paragraphs",
)
"""Every fix, in the order :func:`apply_voice_fixes` tries them."""


class VoiceFix(BaseModel):
    """One fix that was applied: what it changed, measured before and after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: FixName
    kind: FixKind
    dimension: str = Field(description="The measured dimension (or rule) the fix targets.")
    before: float | None = Field(description="The text's value before the fix.")
    after: float | None = Field(description="The text's value after it.")
    target: float | None = Field(description="The voice's value (profile mean or rule).")
    message: str


class VoiceFixResult(BaseModel):
    """The fixed text, the fixes applied in order, and the match before and after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    repaired: str = Field(
        description="The text after the repairs only, before any voice move: what a caller "
        "compares ``text`` with when it wants the moves only if they pay off."
    )
    applied: list[VoiceFix] = Field(default_factory=list)
    rejected: list[str] = Field(
        default_factory=list,
        description="Fixes tried and undone because they moved the text away from the voice.",
    )
    match_before: float | None = None
    match_after: float | None = None

    @property
    def names(self) -> list[str]:
        """The names of the applied fixes, in order."""
        return [fix.name for fix in self.applied]


# -- text structure --------------------------------------------------------------------------


_Reader = Callable[[Fingerprint], float | None]
_READERS: dict[str, _Reader] = {
    "vocabulary.lexical_diversity": lambda fp: fp.vocabulary_analysis.lexical_diversity,
    "sentence_length.average": (
        lambda fp: fp.sentence_analysis.sentence_length_distribution.average
    ),
    "contractions.per_100_words": lambda fp: fp.contractions_per_100_words,
    "sentence_type.exclamation": (
        lambda fp: fp.sentence_analysis.sentence_type_distribution.exclamation
    ),
    "social.emoji_per_100_words": lambda fp: fp.social.emoji_per_100_words,
    "paragraphs.average_words": lambda fp: fp.paragraphs.average_words,
}


@dataclass(slots=True)
class _State:
    text: str
    fp: Fingerprint
    z2: dict[str, float]
    score: float | None


class _Judge:
    """Measures texts against the voice and decides whether a move brought it closer."""

    def __init__(
        self, profile: StyleProfile | None, finish: Callable[[str], str] | None = None
    ) -> None:
        self.profile = profile
        self.finish = finish

    def measure(self, text: str) -> _State:
        fp = measure_text(text if self.finish is None else self.finish(text))
        if self.profile is None:
            return _State(text, fp, {}, None)
        if fp.word_count < MIN_WORDS_TO_JUDGE:  # too short to match: deviations only
            return _State(text, fp, self.profile.typicality_terms(fp), None)
        match = self.profile.match_fingerprint(fp)
        z2 = {d.dimension: d.z**2 for d in match.deviations}
        return _State(text, fp, z2, match.score)

    def mean(self, dimension: str) -> float | None:
        if self.profile is None:
            return None
        stat = self.profile.dimensions.get(dimension)
        return None if stat is None or stat.n == 0 else stat.mean

    def closer(
        self, before: _State, after: _State, dimension: str, rule_target: float | None
    ) -> bool:
        """Whether ``after`` is nearer the voice on ``dimension`` without a lower match."""
        if self.profile is not None and dimension in before.z2 and dimension in after.z2:
            if after.z2[dimension] >= before.z2[dimension]:
                return False
            return before.score is None or after.score is None or after.score >= before.score
        target = self.mean(dimension) if rule_target is None else rule_target
        old, new = _READERS[dimension](before.fp), _READERS[dimension](after.fp)
        if target is None or old is None or new is None:
            return False
        return abs(new - target) < abs(old - target)


def _value(state: _State, dimension: str) -> float | None:
    value = _READERS[dimension](state.fp)
    return None if value is None else round(value, 3)


def _allowed(mean: float | None, per: float, usage: str | None) -> int | None:
    """How many of something (emoji, exclamations) the voice allows in this text.

    The profile's mean rate times the text's size (``per``: hundreds of words, or
    sentences), capped by the stated rule (``avoid``: none, ``sparing``: one); ``None``
    when neither the profile nor a rule says.
    """
    keep = None if mean is None else round(mean * per)
    if usage == "avoid":
        return 0
    if usage == "sparing":
        return 1 if keep is None else min(keep, 1)
    return keep


@dataclass(frozen=True, slots=True)
class _Move:
    """One fix's proposal: the edit, the dimension (or rule) it targets, the voice's value
    there, and what to tell the reader when it is kept."""

    dimension: str
    edit: Callable[[str], str]
    target: float | None
    what: str


@dataclass(slots=True)
class _Run:
    """One call of :func:`apply_voice_fixes`: what it was asked, and the text so far."""

    judge: _Judge
    rules: VoiceRules
    wanted: set[str]
    state: _State
    truncated: bool
    max_paragraph_words: int | None
    first_sentence_chars: int | None
    applied: list[VoiceFix] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def attempt(self, name: FixName, kind: FixKind, move: _Move | None) -> None:
        """Apply ``move`` and keep it if it is a repair, or if it brought the text closer
        to the voice on its dimension (see :meth:`_Judge.closer`); record why not else."""
        if move is None or name not in self.wanted:
            return
        new_text = move.edit(self.state.text)
        if new_text == self.state.text or not new_text.strip():
            return
        try:
            new_state = self.judge.measure(new_text)
        except InputError:
            self.rejected.append(f"{name}: the edit left nothing to measure")
            return
        dimension, target = move.dimension, move.target
        measured = dimension in _READERS
        if (
            kind == "voice"
            and measured
            and not self.judge.closer(self.state, new_state, dimension, target)
        ):
            self.rejected.append(f"{name}: it did not bring {dimension} closer to the voice")
            return
        before, after = (
            (_value(self.state, dimension), _value(new_state, dimension))
            if measured
            else (None, None)
        )
        shown = "" if before is None else f" ({dimension} {before:g} → {after:g}"
        if shown:
            shown += ")" if target is None else f"; voice {target:.3g})"
        self.applied.append(
            VoiceFix(
                name=name,
                kind=kind,
                dimension=dimension,
                before=before,
                after=after,
                target=None if target is None else round(target, 3),
                message=f"{move.what}{shown}",
            )
        )
        self.state = new_state


# -- the fixes, each proposing one move from the text as it stands -------------------------


def _collapse_repetition(run: _Run) -> _Move:
    return _Move(
        "vocabulary.lexical_diversity",
        collapse_repetition,
        run.judge.mean("vocabulary.lexical_diversity"),
        "collapsed repeated words and sentences",
    )


def _drop_unfinished_ending(run: _Run) -> _Move | None:
    if not run.truncated:
        return None
    return _Move("ending", drop_unfinished_ending, None, "dropped the unfinished last sentence")


def _replace_avoid_words(run: _Run) -> _Move | None:
    avoid = run.rules.avoid
    if not avoid:
        return None
    return _Move(
        "avoid_words",
        lambda t: replace_avoid_words(t, avoid),
        0.0,
        "replaced or dropped words the persona avoids",
    )


def _limit_emoji(run: _Run) -> _Move | None:
    words = run.state.fp.word_count
    keep = _allowed(run.judge.mean("social.emoji_per_100_words"), words / 100, run.rules.emoji)
    if keep is None:
        return None
    return _Move(
        "social.emoji_per_100_words",
        lambda t: remove_emoji(t, keep),
        100.0 * keep / max(words, 1),
        f"kept {keep} emoji",
    )


def _limit_exclamations(run: _Run) -> _Move | None:
    sentences = run.state.fp.sentence_analysis.sentence_count
    keep = _allowed(run.judge.mean("sentence_type.exclamation"), sentences, run.rules.exclamations)
    if keep is None:
        return None
    return _Move(
        "sentence_type.exclamation",
        lambda t: limit_exclamations(t, keep),
        keep / max(sentences, 1),
        f"kept {keep} exclamation mark(s)",
    )


def _contractions(run: _Run) -> _Move | None:
    target = run.judge.mean("contractions.per_100_words")
    if target is None and run.rules.contractions is not None:
        target = 0.0 if run.rules.contractions == "avoid" else 1.5
    rate = run.state.fp.contractions_per_100_words
    if target is None or rate is None:
        return None
    words = run.state.fp.word_count
    have, want = round(rate * words / 100), round(target * words / 100)
    dimension = "contractions.per_100_words"
    if want < have:
        drop = None if want == 0 else have - want
        return _Move(
            dimension, lambda t: expand_contractions(t, drop), target, "spelled out contractions"
        )
    if want > have:
        return _Move(
            dimension, lambda t: form_contractions(t, want - have), target, "formed contractions"
        )
    return None


def _sentence_length(run: _Run) -> _Move | None:
    target = run.judge.mean("sentence_length.average")
    if target is None and run.rules.sentence_length is not None:
        low, high = run.rules.sentence_length
        target = (low + high) / 2
    if target is None:
        return None
    goal = target
    average = _READERS["sentence_length.average"](run.state.fp) or 0.0
    if average > goal:
        return _Move(
            "sentence_length.average",
            lambda t: split_sentences(t, goal),
            goal,
            "split long sentences at clause boundaries",
        )
    if average < goal:
        semicolon_rate = run.judge.mean("punctuation.semicolon")
        first = run.first_sentence_chars
        return _Move(
            "sentence_length.average",
            lambda t: join_sentences(
                t, goal, semicolon_rate=semicolon_rate, first_sentence_chars=first
            ),
            goal,
            "joined short sentences",
        )
    return None


def _paragraphs(run: _Run) -> _Move | None:
    target = run.judge.mean("paragraphs.average_words")
    if target is None:
        return None
    most = run.max_paragraph_words
    return _Move(
        "paragraphs.average_words",
        lambda t: reparagraph(t, target, max_words=most),
        target,
        "re-paragraphed toward the voice's paragraph length",
    )


_Fix = Callable[[_Run], "_Move | None"]

_REPAIRS: tuple[tuple[FixName, _Fix], ...] = (
    ("collapse_repetition", _collapse_repetition),
    ("drop_unfinished_ending", _drop_unfinished_ending),
)
"""Always kept when they change the text: they fix broken text, whatever the voice."""

_VOICE_MOVES: tuple[tuple[FixName, _Fix], ...] = (
    ("replace_avoid_words", _replace_avoid_words),
    ("limit_emoji", _limit_emoji),
    ("limit_exclamations", _limit_exclamations),
    ("contractions", _contractions),
    ("sentence_length", _sentence_length),
    ("paragraphs", _paragraphs),
)
"""Kept only when they bring the text closer to the voice on their dimension."""


def apply_voice_fixes(
    text: str,
    *,
    profile: StyleProfile | None = None,
    rules: VoiceRules | None = None,
    truncated: bool = False,
    max_paragraph_words: int | None = None,
    first_sentence_chars: int | None = None,
    finish: Callable[[str], str] | None = None,
    fixes: Collection[str] | None = None,
) -> VoiceFixResult:
    """Move ``text`` toward the voice with deterministic edits; say what was done.

    Parameters
    ----------
    text
        The draft.
    profile
        The persona's measured voice: targets come from its means, and a move is kept
        only when it lowers the text's squared deviation on the targeted dimension and
        does not lower :meth:`StyleProfile.match`'s score.
    rules
        What the persona says about its voice: avoid words are replaced; without a
        profile, its sentence-length range, contractions, exclamation and emoji rules
        give the targets.
    truncated
        The model ran out of tokens: drop the sentence it stopped in.
    max_paragraph_words
        Never merge paragraphs past this (a platform's paragraph limit).
    first_sentence_chars
        Never let joining sentences make the first one longer than this (a platform's
        "see more" preview).
    finish
        What happens to the text after these fixes (a platform's
        :meth:`~personae.persona.Platform.apply_fixes`, say): every measure is taken on
        ``finish(text)``, so a move is judged on the text as it will be published (a
        joined sentence that a length cut would then drop is not kept). The returned text
        is *not* finished; the caller applies ``finish`` itself.
    fixes
        Only these fixes (names from :data:`FIX_NAMES`); all by default.

    Returns
    -------
    VoiceFixResult
        The fixed text (the same string when nothing applied) and the applied fixes in
        order, each with the targeted dimension measured before and after.

    Raises
    ------
    InputError
        An unknown fix name.
    EmptyTextError, BinaryInputError, TextTooLargeError
        The text cannot be measured.

    Examples
    --------
    >>> result = apply_voice_fixes(draft, profile=voice, truncated=True)  # doctest: +SKIP
    >>> [fix.name for fix in result.applied]  # doctest: +SKIP
    ['collapse_repetition', 'drop_unfinished_ending', 'sentence_length']
    """
    wanted = set(FIX_NAMES if fixes is None else fixes)
    unknown = wanted - set(FIX_NAMES)
    if unknown:
        raise InputError(
            f"unknown voice fix(es): {', '.join(sorted(unknown))}; known: {', '.join(FIX_NAMES)}",
            field="fixes",
        )
    judge = _Judge(profile, finish)
    run = _Run(
        judge=judge,
        rules=rules or VoiceRules(),
        wanted=wanted,
        state=judge.measure(text),
        truncated=truncated,
        max_paragraph_words=max_paragraph_words,
        first_sentence_chars=first_sentence_chars,
    )
    start_score = run.state.score
    for name, fix in _REPAIRS:
        run.attempt(name, "repair", fix(run))
    repaired = run.state.text
    for name, fix in _VOICE_MOVES:
        run.attempt(name, "voice", fix(run))
    return VoiceFixResult(
        text=run.state.text,
        repaired=repaired,
        applied=run.applied,
        rejected=run.rejected,
        match_before=start_score,
        match_after=run.state.score,
    )
