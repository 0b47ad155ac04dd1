"""Optimisation strategies and prompt guidance from a platform's constraints.

:func:`constraint_strategies` gives a named revision instruction for each rule the
constraints express and, where a deterministic edit is safe, its fix;
:func:`prompt_guidance` the lines a generator puts in its prompt so the first draft fits.
Part of :mod:`personae.persona.platforms`; :class:`Platform` calls these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from personae.persona.platforms import _text
from personae.persona.platforms._policies import (
    PlatformConstraints,
    Strategy,
    _hashtag_keep,
    _hashtag_range,
)

__all__ = ["constraint_strategies", "prompt_guidance"]


def constraint_strategies(
    c: PlatformConstraints, name: str, length: Callable[[str], int]
) -> tuple[Strategy, ...]:
    """The revision strategies (and safe fixes) for the rules the constraints express;
    ``length`` is the platform's way of counting."""
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
                partial(_text.shorten, limit=limit, length=length),
            )
        )
    return tuple(out)


def prompt_guidance(c: PlatformConstraints, name: str, guidance: tuple[str, ...]) -> list[str]:
    """Lines a generator puts in its prompt so the first draft fits the platform."""
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
    return lines + list(guidance)
