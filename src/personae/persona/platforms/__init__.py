"""Platform plugins: constraints, prompt guidance, validation rules, optimisation strategies.

>>> from personae.persona.platforms import get_platform
>>> [rule.rule_id for rule in get_platform("x").validate("#a #b #c ok") if not rule.passed]
['hashtags.recommended']

Built-in platforms: ``blog``, ``facebook``, ``instagram``, ``linkedin``, ``x`` (alias
``twitter``). More come from the ``personae.platforms`` entry-point group.
"""

from __future__ import annotations

from personae.persona.platforms._base import (
    ERROR_WEIGHT,
    WARNING_WEIGHT,
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    Platform,
    PlatformConstraints,
    PlatformInfo,
    PlatformReport,
    RuleResult,
    Severity,
    Strategy,
    StrategyInfo,
    TextMeasures,
)
from personae.persona.platforms._registry import (
    BUILTIN_PLATFORMS,
    ENTRY_POINT_GROUP,
    PlatformRegistry,
    available_platforms,
    default_registry,
    get_platform,
    register_platform,
    unregister_platform,
)
from personae.persona.platforms.blog import Blog
from personae.persona.platforms.facebook import Facebook
from personae.persona.platforms.instagram import Instagram
from personae.persona.platforms.linkedin import LinkedIn
from personae.persona.platforms.x import X, weighted_length

__all__ = [
    "BUILTIN_PLATFORMS",
    "ENTRY_POINT_GROUP",
    "ERROR_WEIGHT",
    "WARNING_WEIGHT",
    "Blog",
    "Bounds",
    "EmojiPolicy",
    "Facebook",
    "FormattingPolicy",
    "HashtagPolicy",
    "Instagram",
    "LengthPolicy",
    "LinkPolicy",
    "LinkedIn",
    "Platform",
    "PlatformConstraints",
    "PlatformInfo",
    "PlatformRegistry",
    "PlatformReport",
    "RuleResult",
    "Severity",
    "Strategy",
    "StrategyInfo",
    "TextMeasures",
    "X",
    "available_platforms",
    "default_registry",
    "get_platform",
    "register_platform",
    "unregister_platform",
    "weighted_length",
]
