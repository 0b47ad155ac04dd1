"""Instagram: captions of up to 2,200 characters and 30 hashtags, links not clickable.

Sources
-------
- **2,200 characters per caption; at most 30 hashtags** (hard limits: Instagram refuses
  the caption otherwise): Instagram Help Center, and e.g.
  https://web-3-apps.com/char-counter/articles/instagram-caption-length/ ("Caption (feed
  posts): 2,200 characters … Hashtags per post: 30").
- **3–5 hashtags recommended**: Instagram's @creators account (2021), as summarised in
  https://support.spillover.com/portal/en/kb/articles/best-hashtag-practices-for-facebook-and-instagram
  ("Instagram currently allows up to 30 hashtags per post, though the recommended range
  is 3 to 5 hashtags").
- **About 125 characters before "more"**: https://web-3-apps.com/char-counter/articles/instagram-caption-length/
  ("captions are truncated after approximately 125 characters").
- **Links in captions are not clickable** (only the bio link is): Instagram Help
  Center; so a URL in a caption is a warning and the fix removes it.
- Instagram keeps line breaks and shows Markdown as typed.
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

__all__ = ["MAX_CHARS", "MAX_HASHTAGS", "PREVIEW_CHARS", "Instagram"]

MAX_CHARS = 2_200
"""Instagram's limit on a caption."""
MAX_HASHTAGS = 30
"""Instagram's limit on hashtags in one post."""
PREVIEW_CHARS = 125
"""Characters shown before "more"."""


class Instagram(Platform):
    """Instagram captions: the picture leads, the caption's first line hooks."""

    name = "instagram"
    display_name = "Instagram"
    description = "Captions: up to 2,200 characters and 30 hashtags; links are not clickable."
    constraints = PlatformConstraints(
        length=LengthPolicy(
            max_chars=MAX_CHARS,
            preview_chars=PREVIEW_CHARS,
            source="2,200 characters: Instagram Help Center; ~125 shown before 'more'.",
        ),
        hashtags=HashtagPolicy(
            max=MAX_HASHTAGS,
            recommended=Bounds(min=3, max=5),
            source="30 hashtags at most: Instagram Help Center; 3–5 recommended: @creators.",
        ),
        emoji=EmojiPolicy(source="Emoji are allowed; Instagram publishes no limit."),
        links=LinkPolicy(
            clickable=False, source="Caption links are not clickable (Instagram Help Center)."
        ),
        formatting=FormattingPolicy(
            line_breaks=True,
            markdown=False,
            headings="unsupported",
            lists=True,
            source="Captions keep line breaks but show Markdown as typed.",
        ),
    )
    guidance = (
        "Write for the picture: say what it shows and why it matters in the first line.",
        "Point to the link in bio instead of pasting a URL.",
    )
