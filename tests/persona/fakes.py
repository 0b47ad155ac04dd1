"""A fake platform plugin with the policies the built-ins do not use (no emoji, no links).

It is also what the registry tests load through a hand-made entry point
(``tests.persona.fakes:Strict``).
"""

from __future__ import annotations

from typing import ClassVar

from personae.persona.platforms import (
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    Platform,
    PlatformConstraints,
)

__all__ = ["NOT_A_PLATFORM", "BadName", "Misnamed", "NoConstraints", "Sparing", "Strict"]


class Strict(Platform):
    """100 characters, 1 hashtag at most, no emoji, no links, Markdown rendered."""

    name = "strict"
    display_name = "Strict"
    aliases: ClassVar[tuple[str, ...]] = ("strict-alias",)
    constraints = PlatformConstraints(
        length=LengthPolicy(max_chars=100, recommended_chars=Bounds(min=20, max=80), source="test"),
        hashtags=HashtagPolicy(max=1, source="test"),
        emoji=EmojiPolicy(allowed=False, source="test"),
        links=LinkPolicy(allowed=False, source="test"),
        formatting=FormattingPolicy(markdown=True, headings="optional", source="test"),
    )


class Sparing(Platform):
    """Emoji allowed, but at most two."""

    name = "sparing"
    display_name = "Sparing"
    constraints = PlatformConstraints(
        length=LengthPolicy(source="test"),
        hashtags=HashtagPolicy(source="test"),
        emoji=EmojiPolicy(recommended_max=2, source="test"),
        links=LinkPolicy(source="test"),
        formatting=FormattingPolicy(markdown=True, source="test"),
    )


class Misnamed(Strict):
    """Declared under one name in an entry point, named another."""

    name = "misnamed"


class BadName(Strict):
    """A name that cannot be a URL segment."""

    name = "My Platform"


class NoConstraints(Platform):
    """Forgot its constraints."""

    name = "empty"
    display_name = "Empty"


NOT_A_PLATFORM = object()
