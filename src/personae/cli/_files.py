"""Reading and writing the user's files: the CLI's one adapter to the file system.

OS and decoding failures become :mod:`personae.errors` exceptions here, tagged with the
file they concern (``details["source"]``), so the entry point can report them in one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from personae.config import get_settings
from personae.errors import (
    BinaryInputError,
    EmptyTextError,
    InputError,
    PersonaeError,
    ProfileError,
    TextTooLargeError,
    TextTooShortError,
)
from personae.style import MIN_WORDS_TO_JUDGE, StyleProfile

__all__ = ["about", "read_profile", "read_samples", "read_text", "write_text"]

# UTF-8 needs at most four bytes per character: a file larger than this cannot fit the limit.
_MAX_BYTES_PER_CHAR = 4


@contextmanager
def about(path: Path) -> Iterator[None]:
    """Tag any :class:`PersonaeError` raised inside with the file it concerns."""
    try:
        yield
    except PersonaeError as exc:
        exc.details.setdefault("source", str(path))
        raise


def read_text(path: Path) -> str:
    """Read a UTF-8 or UTF-16 text file (a byte-order mark is dropped).

    Raises
    ------
    InputError
        The file is missing, a directory, or cannot be opened.
    BinaryInputError
        The file holds NUL bytes (and is not UTF-16) or is not valid UTF-8.
    TextTooLargeError
        The text is longer than ``Settings.max_text_chars``.
    """
    with about(path):
        limit = get_settings().max_text_chars
        try:
            if path.stat().st_size > limit * _MAX_BYTES_PER_CHAR:
                raise TextTooLargeError(size=path.stat().st_size, limit=limit)
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError("no such file") from exc
        except IsADirectoryError as exc:
            raise InputError("is a directory, not a text file") from exc
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or exc})") from exc
        text = _decode(data)
        if len(text) > limit:
            raise TextTooLargeError(size=len(text), limit=limit)
        return text


def _utf16_encoding(data: bytes) -> str | None:
    """``utf-16`` for a file with a UTF-16 byte-order mark, or a BOM-less one whose every
    other byte is NUL (how Windows tools save mostly-Latin text); else ``None``."""
    if data[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        return "utf-16"
    if len(data) >= 4 and len(data) % 2 == 0:
        if data[1::2].count(0) >= 0.9 * (len(data) // 2):
            return "utf-16-le"
        if data[0::2].count(0) >= 0.9 * (len(data) // 2):
            return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark dropped) or UTF-16 text; anything else is refused."""
    encoding = _utf16_encoding(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BinaryInputError(
                f"looks like UTF-16 but does not decode (offset {exc.start}); save it as UTF-8"
            ) from exc
        if "\x00" not in text:
            return text
    if b"\x00" in data:
        raise BinaryInputError("looks like a binary file (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BinaryInputError(
            f"is not UTF-8 text (undecodable byte at offset {exc.start}); save it as UTF-8"
        ) from exc


def read_samples(paths: list[Path]) -> list[str]:
    """Read a writer's sample files for a voice: each must hold words, and together at
    least :data:`~personae.style.MIN_WORDS_TO_JUDGE` (what ``match`` needs to judge a text
    against the voice; fewer could only ever be refused later).

    Raises
    ------
    EmptyTextError
        A file is empty or only white space (tagged with the file).
    TextTooShortError
        All files together hold too few words.
    """
    texts: list[str] = []
    for path in paths:
        with about(path):
            text = read_text(path)
            if not text.strip():
                raise EmptyTextError("the file is empty; a sample needs the writer's words")
            texts.append(text)
    words = sum(len(text.split()) for text in texts)
    if words < MIN_WORDS_TO_JUDGE:
        raise TextTooShortError(
            words=words, needed=MIN_WORDS_TO_JUDGE, what="build a voice from the samples"
        )
    return texts


def read_profile(path: Path) -> StyleProfile:
    """Load a :class:`StyleProfile` written by ``personae style profile``.

    Raises
    ------
    ProfileError
        The file is not a style profile (or a subclass when the profile API says why).
    """
    text = read_text(path)
    with about(path):
        try:
            return StyleProfile.from_json(text)
        except ValueError as exc:  # JSON or schema errors the profile API left untranslated
            raise ProfileError("is not a personae style profile (invalid JSON or fields)") from exc


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, replacing the file.

    Raises
    ------
    InputError
        The file cannot be written (missing folder, permissions, a directory).
    """
    with about(path):
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the file ({exc.strerror or exc})") from exc
