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
    InputError,
    PersonaeError,
    ProfileError,
    TextTooLargeError,
)
from personae.style import StyleProfile

__all__ = ["about", "read_profile", "read_text", "write_text"]

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
    """Read a UTF-8 text file (a byte-order mark is dropped).

    Raises
    ------
    InputError
        The file is missing, a directory, or cannot be opened.
    BinaryInputError
        The file holds NUL bytes or is not valid UTF-8.
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
        if b"\x00" in data:
            raise BinaryInputError("looks like a binary file (it contains NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BinaryInputError(
                f"is not UTF-8 text (undecodable byte at offset {exc.start})"
            ) from exc
        if len(text) > limit:
            raise TextTooLargeError(size=len(text), limit=limit)
        return text


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
