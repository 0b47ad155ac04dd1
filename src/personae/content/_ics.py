"""An iCalendar (RFC 5545) feed of scheduled and published pieces.

One ``VEVENT`` per piece, 15 minutes long at its time, titled with the platform and the
text's first words, with the text as the description: enough for any calendar app to
show the plan. Text values are escaped and lines folded at 75 octets as the RFC asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from personae.store._models import ContentPiece

__all__ = ["render_ics"]

_EVENT_MINUTES = 15
_TITLE_WORDS = 8


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets (continuations start with
    a space), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return out


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_ics(pieces: Iterable[ContentPiece], *, host: str, now: datetime) -> str:
    """The calendar of ``pieces`` (those without a time are left out)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//personae//content calendar//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:personae content",
    ]
    for piece in pieces:
        start = piece.published_at or piece.scheduled_at
        if start is None:
            continue
        words = piece.text.split()
        title = " ".join(words[:_TITLE_WORDS]) + (" …" if len(words) > _TITLE_WORDS else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:content-{piece.id}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(start)}",
            f"DTEND:{_stamp(start + timedelta(minutes=_EVENT_MINUTES))}",
            f"SUMMARY:{_escape(f'[{piece.platform}] {title}')}",
            f"DESCRIPTION:{_escape(piece.text)}",
            f"STATUS:{'CONFIRMED' if piece.status == 'published' else 'TENTATIVE'}",
            f"CATEGORIES:{_escape(piece.status)}",
        ]
        if piece.external_url:
            lines.append(f"URL:{piece.external_url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(chunk + "\r\n" for line in lines for chunk in _fold(line))
