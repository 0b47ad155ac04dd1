"""Blog posts: no hard limit, but SEO guides' word range, subheadings and short paragraphs.

Sources
-------
- **At least 300 words**: Yoast SEO's text-length assessment ("we advise a minimum of
  300 words" for a post; 900 for cornerstone content), https://yoast.com/blog-post-word-count-seo/.
- **At most about 2,500 words**: HubSpot's analysis of its own posts found those of
  2,100–2,400 words drew the most organic search traffic
  (https://blog.hubspot.com/marketing/how-long-should-your-blog-posts-be-faq); the range
  is rounded up to 2,500. Guidance, not a limit: longer posts only get a warning.
- **A subheading at least every 300 words**: Yoast SEO's subheading-distribution
  assessment (text after a heading, or before the first, should not run over 300 words).
- **Paragraphs of at most 150 words**: Yoast SEO's paragraph-length assessment.
- **A title of at most 60 characters**: Google shows about the first 50–60 characters of
  a title in results (Moz, "Title tag", https://moz.com/learn/seo/title-tag); checked
  when the post starts with a Markdown ``# Title`` or an HTML ``<h1>``.
- **No hashtags**: hashtags do nothing on a blog; they read as clutter.
- Blog posts are written in Markdown (or HTML): headings and lists render.
"""

from __future__ import annotations

import re

from personae.persona.platforms._base import (
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    Platform,
    PlatformConstraints,
    RuleResult,
    TextMeasures,
)

__all__ = ["MAX_SECTION_WORDS", "MAX_TITLE_CHARS", "Blog"]

MAX_SECTION_WORDS = 300
"""Yoast SEO: the most words under one subheading."""
MAX_PARAGRAPH_WORDS = 150
"""Yoast SEO: the most words in one paragraph."""
MAX_TITLE_CHARS = 60
"""Moz: about what Google shows of a title."""

_TITLE_RE = re.compile(r"\A\s*(?:#[ \t]+(?P<md>[^\n]+)|<h1\b[^>]*>(?P<html>.*?)</h1>)", re.I | re.S)


class Blog(Platform):
    """Long-form blog posts, structured for readers who scan and for search engines."""

    name = "blog"
    display_name = "Blog"
    description = "Long-form posts: 300–2,500 words, a subheading every 300 words."
    constraints = PlatformConstraints(
        length=LengthPolicy(
            recommended_words=Bounds(min=300, max=2_500),
            source="No hard limit; ≥ 300 words: Yoast SEO; 2,100–2,400 words drew the "
            "most search traffic: HubSpot (rounded up to 2,500).",
        ),
        hashtags=HashtagPolicy(
            recommended=Bounds(max=0), source="Hashtags have no function on a blog."
        ),
        emoji=EmojiPolicy(source="Emoji are allowed; no published limit."),
        links=LinkPolicy(source="Links are allowed: cite and link your sources."),
        formatting=FormattingPolicy(
            line_breaks=True,
            markdown=True,
            headings="required",
            lists=True,
            max_paragraph_words=MAX_PARAGRAPH_WORDS,
            max_section_words=MAX_SECTION_WORDS,
            source="Yoast SEO readability: subheading every 300 words, paragraphs ≤ 150 words.",
        ),
    )
    guidance = (
        "Start with a '# Title' of at most 60 characters that says what the reader gets.",
        "Open with the problem or question the post answers, then answer it.",
    )

    def extra_rules(self, text: str, measures: TextMeasures) -> list[RuleResult]:
        """The title (a leading ``# Title`` or ``<h1>``) should fit in a search result."""
        match = _TITLE_RE.match(text)
        if match is None:
            return []
        title = (match.group("md") or match.group("html") or "").strip()
        return [
            self._upper(
                "blog.title_length",
                "warning",
                len(title),
                MAX_TITLE_CHARS,
                f"Blog: the title has {len(title)} characters; search results show about "
                f"{MAX_TITLE_CHARS}",
                graded=True,
            )
        ]
