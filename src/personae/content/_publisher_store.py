"""An owner's publishers: named settings of a publisher plugin (``manual`` is built in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from personae.content._publishers import PublisherSettings, get_publisher_plugin
from personae.content._schemas import PublisherCreate, PublisherPublic
from personae.content._urlguard import check_webhook_url
from personae.store import crud, session_scope
from personae.store._models import Publisher

if TYPE_CHECKING:
    from personae.content._service import ContentService

__all__ = ["listed", "publisher_settings", "save", "settings_of"]


def publisher_settings(row: Publisher) -> PublisherSettings:
    """A stored publisher as its plugin reads it."""
    return PublisherSettings(
        name=row.name,
        kind=row.kind,
        url=row.config.get("url"),
        secret=row.secret,
        max_attempts=int(row.config.get("max_attempts", 4)),
    )


def _publisher_public(row: Publisher) -> PublisherPublic:
    settings = publisher_settings(row)
    return PublisherPublic(
        name=row.name,
        kind=row.kind,
        url=settings.url,
        max_attempts=settings.max_attempts,
        signed=bool(row.secret),
    )


def save(service: ContentService, owner_id: int, request: PublisherCreate) -> PublisherPublic:
    """Add (or replace) one of the owner's publishers, checked by its plugin; a URL
    must resolve to public addresses unless the server allows private ones."""
    plugin = get_publisher_plugin(request.kind)
    config = {"url": request.url, "max_attempts": request.max_attempts}
    plugin.check(
        PublisherSettings(
            name=request.name,
            kind=request.kind,
            url=request.url,
            secret=request.secret,
            max_attempts=request.max_attempts,
        )
    )
    if plugin.needs_url and request.url:
        check_webhook_url(
            request.url, allow_private=service.allow_private_urls, resolver=service.resolver
        )
    with session_scope(service.database) as session:
        row = crud.save_publisher(
            session=session,
            owner_id=owner_id,
            name=request.name,
            kind=request.kind,
            config=config,
            secret=request.secret,
        )
        return _publisher_public(row)


def listed(service: ContentService, owner_id: int) -> list[PublisherPublic]:
    """The owner's publishers (``manual`` is always there)."""
    with session_scope(service.database) as session:
        rows = [
            _publisher_public(r) for r in crud.list_publishers(session=session, owner_id=owner_id)
        ]
    if not any(r.name == "manual" for r in rows):
        rows.insert(
            0,
            PublisherPublic(name="manual", kind="manual", url=None, max_attempts=1, signed=False),
        )
    return rows


def settings_of(service: ContentService, owner_id: int, name: str) -> PublisherSettings:
    """The owner's publisher ``name`` as its plugin reads it (``manual`` built in)."""
    with session_scope(service.database) as session:
        if name == "manual" and not any(
            r.name == "manual" for r in crud.list_publishers(session=session, owner_id=owner_id)
        ):
            return PublisherSettings("manual", "manual", None, None, 1)
        return publisher_settings(crud.get_publisher(session=session, owner_id=owner_id, name=name))
