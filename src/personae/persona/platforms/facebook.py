"""Facebook: posts of up to 63,206 characters, shown up to "See more".

Sources
-------
- **63,206 characters per post** (hard limit): Facebook's post composer; documented
  by character-counter guides, e.g. https://postonce.to/tools/character-counter/facebook
  ("Facebook allows up to 63,206 characters in a post") and
  https://socialmedia.london/social-media-marketing/social-media-word-count-know-your-limit/.
- **About 250 characters before "See more"**: https://postonce.to/tools/character-counter/facebook
  ("only the first 250-300 characters appear in the News Feed before being truncated");
  the rule uses the lower figure.
- **At most 2 hashtags**: Facebook Help Center, as quoted by
  https://uncoversocial.com/how-many-hashtags-can-i-use-on-facebook ("For readability,
  don't use more than 2 hashtags in a post"); Facebook sets no hard limit.
- Facebook keeps line breaks and shows Markdown as typed.

Engagement studies often quoted for Facebook (40–80 characters; Jeff Bullas, HubSpot)
measured link posts years ago; they are left out on purpose rather than imposed on
every post.
"""

from __future__ import annotations

from personae.persona.platforms._base import (
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    Platform,
    PlatformConstraints,
)

__all__ = ["MAX_CHARS", "PREVIEW_CHARS", "Facebook"]

MAX_CHARS = 63_206
"""Facebook's limit on a post."""
PREVIEW_CHARS = 250
"""Characters shown in the feed before "See more" (the lower published figure)."""


class Facebook(Platform):
    """Facebook posts: conversational, community-minded, few hashtags."""

    name = "facebook"
    display_name = "Facebook"
    description = "Community posts: up to 63,206 characters, about 250 shown before 'See more'."
    constraints = PlatformConstraints(
        length=LengthPolicy(
            max_chars=MAX_CHARS,
            preview_chars=PREVIEW_CHARS,
            source="63,206 characters: Facebook composer; ~250 shown before 'See more'.",
        ),
        hashtags=HashtagPolicy(
            recommended=Bounds(max=2),
            source="Facebook Help Center: for readability, no more than 2 hashtags.",
        ),
        emoji=EmojiPolicy(source="Emoji are allowed; Facebook publishes no limit."),
        links=LinkPolicy(source="Links are allowed and clickable (with a preview card)."),
        formatting=FormattingPolicy(
            line_breaks=True,
            markdown=False,
            headings="unsupported",
            lists=True,
            source="Posts keep line breaks but show Markdown as typed.",
        ),
    )
    guidance = (
        "Write as you would talk to your community: warm, direct, personal.",
        "Invite a reply: ask a question people can answer from their own experience.",
    )
