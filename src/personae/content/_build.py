"""Wiring the content service from the settings: one way for the API, the CLI and jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from personae.config import Settings
from personae.content._publishers import Transport
from personae.content._service import ContentService
from personae.store import Database
from personae.store._models import utcnow

__all__ = ["build_content_service"]


def build_content_service(
    settings: Settings,
    *,
    database: Database,
    transport: Transport | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> ContentService:
    """The content service the settings describe.

    Parameters
    ----------
    settings
        ``max_text_chars``, ``content_settle_hours`` and
        ``publish_allow_private_urls``.
    database
        The store.
    transport
        How webhook publishers POST (default: the standard library's HTTP client to
        the address checked at each send).
    sleep
        Waits between publish retries (default: :func:`time.sleep`).
    clock
        Now, in UTC.

    Examples
    --------
    >>> service = build_content_service(settings, database=db)  # doctest: +SKIP
    >>> service.search(1, status=["draft"]).total  # doctest: +SKIP
    3
    """
    return ContentService(
        database,
        clock=clock,
        transport=transport,
        allow_private_urls=settings.publish_allow_private_urls,
        sleep=sleep,
        settle_after=timedelta(hours=settings.content_settle_hours),
        max_text_chars=settings.max_text_chars,
    )
