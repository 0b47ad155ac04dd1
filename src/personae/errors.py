"""The one exception tree of personae.

Every failure a user can cause or fix raises a subclass of :class:`PersonaeError`;
the CLI maps the tree to exit codes once, and the HTTP layer maps it to status codes
once, so no caller ever needs to catch a third-party exception.

::

    PersonaeError
    ├── InputError                  bad text or file handed to personae (HTTP 422, exit 2)
    │   ├── EmptyTextError          empty or whitespace-only text
    │   ├── BinaryInputError        bytes that are not text (NULs, control characters, bad UTF-8)
    │   ├── TextTooShortError       too few words to judge; says how many are needed
    │   └── TextTooLargeError       more characters than the configured limit
    └── ProfileError                a style profile that cannot be used (HTTP 422, exit 2)
        └── IncompatibleProfileError  a profile written by an unknown format version
"""

from __future__ import annotations

__all__ = [
    "BinaryInputError",
    "EmptyTextError",
    "IncompatibleProfileError",
    "InputError",
    "PersonaeError",
    "ProfileError",
    "TextTooLargeError",
    "TextTooShortError",
]


class PersonaeError(Exception):
    """Base class of every error personae raises on purpose.

    ``code`` is a stable machine-readable name (used in API error envelopes);
    the message is written for the person who has to fix the input.
    """

    code: str = "personae_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = details


class InputError(PersonaeError):
    """The text or file given to personae cannot be used as it is."""

    code = "invalid_input"


class EmptyTextError(InputError):
    """The text is empty, whitespace only, or holds no words at all."""

    code = "empty_text"


class BinaryInputError(InputError):
    """The input looks like binary data rather than text."""

    code = "binary_input"


class TextTooShortError(InputError):
    """Too few words to judge a voice reliably."""

    code = "text_too_short"

    def __init__(self, *, words: int, needed: int, what: str = "judge a style") -> None:
        super().__init__(
            f"text has {words} word{'s' if words != 1 else ''}; at least {needed} words "
            f"are needed to {what}",
            words=words,
            needed=needed,
        )
        self.words = words
        self.needed = needed


class TextTooLargeError(InputError):
    """The text is longer than the configured limit."""

    code = "text_too_large"

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(
            f"text has {size:,} characters; the limit is {limit:,} (split it into smaller samples)",
            size=size,
            limit=limit,
        )
        self.size = size
        self.limit = limit


class ProfileError(PersonaeError):
    """A style profile cannot be used (corrupt, empty or from another version)."""

    code = "invalid_profile"


class IncompatibleProfileError(ProfileError):
    """A profile serialised by a format version this release cannot read."""

    code = "incompatible_profile"
