"""Publisher plugins: where a piece goes when it is published.

Plugins are found through the ``personae.publishers`` entry-point group, like platforms::

    [project.entry-points."personae.publishers"]
    webhook = "personae.content._publishers:WebhookPublisher"

Each names a :class:`PublisherPlugin` subclass; its ``kind`` is the name an owner's
publisher settings refer to. personae ships two:

- ``webhook``: POSTs the piece as JSON to the configured URL, signed with HMAC-SHA256
  (``X-Personae-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>``, with
  ``X-Personae-Timestamp``), so a receiver can check it came from you and is fresh. The
  receiver may answer ``{"external_id": …, "url": …}`` with the platform's id for the
  post; otherwise the piece is known as ``personae-<id>``.
- ``manual``: the person posts it themselves and marks it published with the URL or id.

One call of :meth:`PublisherPlugin.publish` is one attempt; retries with backoff, and the
record of every attempt, are the service's (:mod:`personae.content._publishing`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, ClassVar

from personae.errors import InputError, PublisherNotFoundError

__all__ = [
    "ENTRY_POINT_GROUP",
    "ManualPublisher",
    "PublishOutcome",
    "PublisherPlugin",
    "PublisherSettings",
    "Transport",
    "WebhookPublisher",
    "get_publisher_plugin",
    "sign",
    "urllib_transport",
]

logger = logging.getLogger("personae.content")

ENTRY_POINT_GROUP = "personae.publishers"
"""The entry-point group publisher plugins declare themselves in."""

_BUILTINS = {
    "manual": "personae.content._publishers:ManualPublisher",
    "webhook": "personae.content._publishers:WebhookPublisher",
}

Transport = Callable[[str, bytes, Mapping[str, str], float], tuple[int, bytes]]
"""``(url, body, headers, timeout) -> (status, body)``: one HTTP POST. Raises ``OSError``
when nothing came back (refused, timed out)."""


def urllib_transport(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float
) -> tuple[int, bytes]:
    """POST with the standard library (no extra dependency); HTTP errors are answers."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read(65536)
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(65536) if exc.fp is not None else b""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + hex HMAC of ``timestamp.body``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PublisherSettings:
    """One owner's configured publisher, as a plugin sees it."""

    name: str
    kind: str
    url: str | None
    secret: str | None = field(repr=False)  # never in a log line or traceback
    max_attempts: int


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """What one attempt gave: the platform's id and URL, or why it failed."""

    ok: bool
    external_id: str | None = None
    url: str | None = None
    status_code: int | None = None
    error: str | None = None
    retryable: bool = False


class PublisherPlugin(ABC):
    """A way to publish pieces. Subclasses set ``kind`` and implement :meth:`publish`."""

    kind: ClassVar[str]
    automatic: ClassVar[bool] = True
    """Whether the job runner can publish with it unattended (``manual`` cannot)."""
    needs_url: ClassVar[bool] = False

    def check(self, settings: PublisherSettings) -> None:
        """Refuse settings this plugin cannot work with (raises :class:`InputError`)."""
        if self.needs_url and not (settings.url or "").startswith(("http://", "https://")):
            raise InputError(f"a {self.kind} publisher needs an http(s) url", field="url")

    @abstractmethod
    def publish(
        self,
        payload: Mapping[str, Any],
        settings: PublisherSettings,
        *,
        external_id: str | None = None,
        url: str | None = None,
        transport: Transport = urllib_transport,
    ) -> PublishOutcome:
        """One attempt at publishing ``payload`` (the piece as JSON); ``external_id`` and
        ``url`` are what a person said (manual publishing), ``transport`` how to POST."""


class ManualPublisher(PublisherPlugin):
    """The person posts it and says where: publishing records the id or URL given."""

    kind = "manual"
    automatic = False

    def publish(
        self,
        payload: Mapping[str, Any],
        settings: PublisherSettings,
        *,
        external_id: str | None = None,
        url: str | None = None,
        transport: Transport = urllib_transport,
    ) -> PublishOutcome:
        if not external_id and not url:
            raise InputError(
                "say where it was posted: the platform's post id (external_id) or its URL, "
                "so its engagement can be matched to it later"
            )
        return PublishOutcome(ok=True, external_id=external_id or url, url=url)


class WebhookPublisher(PublisherPlugin):
    """POSTs the piece as signed JSON; 2xx is published, 5xx/429/no answer is retried."""

    kind = "webhook"
    needs_url = True
    timeout = 10.0

    def publish(
        self,
        payload: Mapping[str, Any],
        settings: PublisherSettings,
        *,
        external_id: str | None = None,
        url: str | None = None,
        transport: Transport = urllib_transport,
    ) -> PublishOutcome:
        self.check(settings)
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(payload.get("sent_at", ""))
        headers = {"Content-Type": "application/json", "X-Personae-Timestamp": timestamp}
        if settings.secret:
            headers["X-Personae-Signature"] = sign(settings.secret, timestamp, body)
        try:
            status, answer = transport(str(settings.url), body, headers, self.timeout)
        except OSError as exc:
            return PublishOutcome(ok=False, error=f"no answer: {exc}"[:500], retryable=True)
        except InputError as exc:  # the URL was refused (see _urlguard): not retried
            return PublishOutcome(ok=False, error=exc.message[:500], retryable=False)
        if not 200 <= status < 300:
            retry = status >= 500 or status in (408, 429)
            return PublishOutcome(
                ok=False, status_code=status, error=f"HTTP {status}", retryable=retry
            )
        found_id, found_url = _ids_from(answer)
        return PublishOutcome(ok=True, external_id=found_id, url=found_url, status_code=status)


def _ids_from(answer: bytes) -> tuple[str | None, str | None]:
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    found = data.get("external_id") or data.get("id")
    link = data.get("url")
    return (
        str(found)[:200] if isinstance(found, str | int) and str(found) else None,
        link[:2000] if isinstance(link, str) and link else None,
    )


_loaded: dict[str, PublisherPlugin] = {}


def _entry_points() -> Iterable[EntryPoint]:
    return entry_points(group=ENTRY_POINT_GROUP)


def get_publisher_plugin(kind: str) -> PublisherPlugin:
    """The installed plugin of this kind (built-ins, then the entry-point group).

    Raises
    ------
    PublisherNotFoundError
        No installed plugin of that kind.
    """
    if kind in _loaded:
        return _loaded[kind]
    reference = _BUILTINS.get(kind)
    candidates: list[Callable[[], object]] = []
    if reference is not None:
        module, _, attribute = reference.partition(":")
        candidates.append(lambda: getattr(__import__(module, fromlist=[attribute]), attribute))
    candidates += [point.load for point in _entry_points() if point.name == kind]
    for load in candidates:
        try:
            found = load()
        except Exception:  # a broken plugin must not break publishing with the others
            logger.warning("publisher plugin %r failed to load", kind, exc_info=True)
            continue
        plugin = found() if isinstance(found, type) else found
        if isinstance(plugin, PublisherPlugin):
            _loaded[kind] = plugin
            return plugin
    known = sorted({*_BUILTINS, *(point.name for point in _entry_points())})
    raise PublisherNotFoundError(
        f"no publisher plugin {kind!r} is installed", kind=kind, known=known
    )
