"""LinkedIn: professional posts of up to 3,000 characters, read in the first three lines.

Sources
-------
- **3,000 characters per post** (hard limit: the composer refuses more): LinkedIn's post
  composer; documented in LinkedIn Help and by every character-counter guide, e.g.
  https://web-3-apps.com/char-counter/articles/linkedin-post-length/ ("Feed post:
  3,000").
- **About 210 characters before "…see more"** on desktop (about 140 on mobile): the
  same guide ("posts are truncated after approximately 210 characters (roughly 3 lines
  of text on desktop)"). The rule uses 210 and asks only that the first sentence end
  within it.
- **150–300 words**: the ALwrity LinkedIn persona service's
  ``content_length_optimization = {"optimal_range": [150, 300]}`` (seed 001, the design
  this project follows); guidance, not a limit.
- **At most 5 hashtags** (3–5 recommended; no hard limit): LinkedIn marketing guidance
  as summarised in https://onepartsocial.com/2021/11/01/three-tips-to-leverage-linkedin-hashtags/
  ("LinkedIn doesn't set any limits on your hashtag usage … experts recommend … between
  three and five hashtags").
- **No Markdown** in feed posts (bold and italics only in articles): asterisks and ``#``
  headings show as typed; line breaks are kept. https://bulkpublish.com/blog/linkedin-character-limit/
  ("No bold/italic in regular posts (only in articles)").
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

__all__ = ["MAX_CHARS", "PREVIEW_CHARS", "LinkedIn"]

MAX_CHARS = 3_000
"""LinkedIn's limit on a feed post."""
PREVIEW_CHARS = 210
"""Characters shown on desktop before "…see more"."""


class LinkedIn(Platform):
    """LinkedIn feed posts: professional, story-led, hook in the first line."""

    name = "linkedin"
    display_name = "LinkedIn"
    description = "Professional feed posts: up to 3,000 characters, hook before 'see more'."
    constraints = PlatformConstraints(
        length=LengthPolicy(
            max_chars=MAX_CHARS,
            recommended_words=Bounds(min=150, max=300),
            preview_chars=PREVIEW_CHARS,
            source="3,000 characters: LinkedIn composer; ~210 shown before 'see more' "
            "(desktop); 150–300 words: ALwrity LinkedIn optimal_range (seed 001).",
        ),
        hashtags=HashtagPolicy(
            recommended=Bounds(max=5),
            source="No hard limit; LinkedIn guidance is 3–5 hashtags per post.",
        ),
        emoji=EmojiPolicy(source="Emoji are allowed; LinkedIn publishes no limit."),
        links=LinkPolicy(source="Links are allowed and clickable."),
        formatting=FormattingPolicy(
            line_breaks=True,
            markdown=False,
            headings="unsupported",
            lists=True,
            source="Feed posts keep line breaks but show Markdown as typed.",
        ),
    )
    guidance = (
        "Write for professionals: a concrete lesson, result or opinion from experience.",
        "End with a question or a clear takeaway that invites comments.",
    )
