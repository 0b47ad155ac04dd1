"""Webhook URLs may not reach the server's own network (SSRF), unless a setting says so.

A webhook publisher POSTs wherever its owner's URL points. On a server several people
use, that URL could name ``127.0.0.1``, the cloud's metadata address (``169.254.169.254``)
or a database on the private network, and the server would send the request for them. So,
unless ``PERSONAE_PUBLISH_ALLOW_PRIVATE_URLS`` is on (a receiver on this machine or the
local network, as in tests):

- when a publisher is saved, its host is resolved and every address it resolves to must
  be a public (globally routable) one: loopback, private, link-local, multicast,
  unspecified and reserved addresses are refused with a clear 4xx
  (:func:`check_webhook_url`);
- at every send the host is resolved and checked **again** (DNS may have changed since),
  and the connection goes to the very address that was checked, not to a second lookup
  (:func:`guarded_transport`), so a name cannot pass the check and then resolve elsewhere.
  Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from personae.errors import InputError

__all__ = ["ALLOW_SETTING", "Resolver", "Target", "check_webhook_url", "guarded_transport"]

ALLOW_SETTING = "PERSONAE_PUBLISH_ALLOW_PRIVATE_URLS"
"""The setting that lets webhooks reach non-public addresses."""

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> addresses``: how host names are looked up (raises ``OSError``)."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order, without repeats."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _kind(address: str) -> str | None:
    """Why ``address`` is not a public one (``None``: it is)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "private"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """A checked webhook URL: where to connect, and what to ask for there."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def check_webhook_url(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> Target:
    """Parse and resolve ``url``; refuse it when an address it names is not public.

    Raises
    ------
    InputError
        Not an http(s) URL with a host, a host that does not resolve, or (unless
        ``allow_private``) one that resolves to a loopback, private, link-local or
        reserved address.
    """
    try:
        return _target(url, allow_private=allow_private, resolver=resolver)
    except OSError as exc:
        host = urlsplit(url).hostname
        raise InputError(
            f"the webhook host {host!r} does not resolve ({exc}); check the url", field="url"
        ) from exc


def _target(url: str, *, allow_private: bool, resolver: Resolver) -> Target:
    """:func:`check_webhook_url`, with a failed lookup left as ``OSError``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise InputError("a webhook needs an http(s) url with a host", field="url")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise InputError(f"the webhook url's port is not valid: {exc}", field="url") from exc
    host = parts.hostname
    try:
        addresses = resolver(host, port)
    except UnicodeError as exc:
        raise InputError(f"the webhook host {host!r} is not a valid name", field="url") from exc
    if not addresses:
        raise OSError(f"no address for {host!r}")
    if not allow_private:
        for address in addresses:
            kind = _kind(address)
            if kind is not None:
                raise InputError(
                    f"the webhook host {host!r} resolves to {address}, a {kind} address; "
                    f"webhooks go to public addresses only (set {ALLOW_SETTING}=true to "
                    "allow receivers on this machine or network)",
                    field="url",
                    address=address,
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, tuple(addresses))


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address (the Host header still names the host)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def guarded_transport(
    *, allow_private: bool, resolver: Resolver = resolve
) -> Callable[[str, bytes, Mapping[str, str], float], tuple[int, bytes]]:
    """A webhook transport that checks the URL at every send and connects to the checked
    address (see the module's docstring). A refused URL raises :class:`InputError`
    (not retried); no answer raises ``OSError`` (retried)."""

    def post(
        url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> tuple[int, bytes]:
        # A failed lookup is OSError (retried: DNS may be down for a moment).
        target = _target(url, allow_private=allow_private, resolver=resolver)
        kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        connection = kind(target.host, target.port, target.addresses[0], timeout)
        try:
            connection.request("POST", target.path, body=body, headers=dict(headers))
            response = connection.getresponse()
            return int(response.status), response.read(65536)
        except http.client.HTTPException as exc:
            raise OSError(f"bad HTTP answer: {exc}") from exc
        finally:
            connection.close()

    return post
