"""Webhook URLs may not reach the server's own network unless the setting allows it:
refused when the publisher is saved (a clear 4xx) and again at each send (DNS may change),
and the webhook's secret never shows in a log line or a repr."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.content import ContentService, DraftCreate, PublisherCreate, PublishRequest
from personae.content._publishers import PublisherSettings
from personae.content._urlguard import check_webhook_url
from personae.errors import InputError
from personae.store import Database
from tests.api.helpers import User, make_settings
from tests.content.conftest import Clock, Receiver

SECRET = "hook-secret-never-in-logs-0123"


class FakeDNS:
    """A resolver whose answers a test changes, as DNS can change between save and send."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)

    def __call__(self, host: str, port: int) -> list[str]:
        return list(self.addresses)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata address
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("0.0.0.0", "reserved"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "private"),  # carrier-grade NAT: not global
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    with pytest.raises(InputError, match=f"a {kind} address") as caught:
        check_webhook_url(
            "https://hooks.example.org/x", allow_private=False, resolver=FakeDNS(address)
        )
    assert "PERSONAE_PUBLISH_ALLOW_PRIVATE_URLS" in caught.value.message


def test_any_non_public_address_among_several_refuses() -> None:
    dns = FakeDNS("93.184.215.14", "10.0.0.7")
    with pytest.raises(InputError, match=r"10\.0\.0\.7"):
        check_webhook_url("https://hooks.example.org/x", allow_private=False, resolver=dns)


def test_public_addresses_pass_and_the_setting_allows_private_ones() -> None:
    public = check_webhook_url(
        "https://hooks.example.org:8443/in?x=1",
        allow_private=False,
        resolver=FakeDNS("93.184.215.14"),
    )
    assert (public.host, public.port, public.path, public.addresses) == (
        "hooks.example.org",
        8443,
        "/in?x=1",
        ("93.184.215.14",),
    )
    local = check_webhook_url(
        "http://127.0.0.1:9/h", allow_private=True, resolver=FakeDNS("127.0.0.1")
    )
    assert local.addresses == ("127.0.0.1",)


def test_a_host_that_does_not_resolve_is_a_clear_input_error() -> None:
    def broken(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(InputError, match="does not resolve"):
        check_webhook_url("https://nowhere.invalid/x", allow_private=False, resolver=broken)


def test_saving_a_loopback_webhook_is_refused_by_default(
    db: Database, clock: Clock, owner_ids: tuple[int, int], receiver: Receiver
) -> None:
    service = ContentService(db, clock=clock, sleep=lambda _: None)
    with pytest.raises(InputError, match="loopback"):
        service.save_publisher(
            owner_ids[0], PublisherCreate(name="hook", kind="webhook", url=receiver.url)
        )
    assert [p.name for p in service.publishers(owner_ids[0])] == ["manual"]


def test_the_api_answers_422_for_a_private_webhook_url(
    db: Database, database_url: str, tmp_path: Path, alice: User
) -> None:
    strict = create_app(make_settings(database_url, tmp_path, publish_allow_private_urls=False))
    with TestClient(strict) as client:
        response = client.post(
            "/api/content/publishers",
            json={"name": "hook", "kind": "webhook", "url": "http://127.0.0.1:8080/h"},
            headers=alice.headers,
        )
    assert response.status_code == 422, response.text
    assert "loopback" in response.json()["error"]["message"]


def test_a_host_that_turns_private_after_saving_is_refused_at_send(
    db: Database,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    dns = FakeDNS("93.184.215.14")
    service = ContentService(db, clock=clock, sleep=lambda _: None, resolver=dns)
    alice = owner_ids[0]
    port = receiver.url.split(":")[2].split("/")[0]
    service.save_publisher(
        alice,
        PublisherCreate(
            name="hook", kind="webhook", url=f"http://hooks.example.org:{port}/hook", secret=SECRET
        ),
    )
    piece = service.save_draft(
        alice, DraftCreate(persona_id=persona_ids[0], platform="linkedin", text="Shipped.")
    )
    dns.addresses = ["127.0.0.1"]  # rebinding: now it names the server itself
    with caplog.at_level(logging.DEBUG):
        shown = service.publish(alice, piece.id, PublishRequest(publisher="hook"))
    assert receiver.requests == []  # nothing reached the loopback receiver
    assert shown.status == "approved"
    assert shown.publish_error is not None
    assert "loopback" in shown.publish_error
    assert len(shown.attempts) == 1  # refused, not retried
    assert SECRET not in caplog.text


def test_the_checked_address_is_the_one_connected_to(
    db: Database,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
    receiver: Receiver,
) -> None:
    """With private addresses allowed, a name is sent to the address it was checked as."""
    service = ContentService(
        db,
        clock=clock,
        sleep=lambda _: None,
        allow_private_urls=True,
        resolver=FakeDNS("127.0.0.1"),
    )
    alice = owner_ids[0]
    port = receiver.url.split(":")[2].split("/")[0]
    service.save_publisher(
        alice,
        PublisherCreate(name="hook", kind="webhook", url=f"http://receiver.test:{port}/hook"),
    )
    piece = service.save_draft(
        alice, DraftCreate(persona_id=persona_ids[0], platform="linkedin", text="Shipped.")
    )
    shown = service.publish(alice, piece.id, PublishRequest(publisher="hook"))
    assert shown.status == "published", shown.publish_error
    headers, _ = receiver.requests[0]
    assert headers["Host"] == f"receiver.test:{port}"  # the name, though sent to the address


def test_the_secret_is_not_in_a_publishers_repr() -> None:
    settings = PublisherSettings("hook", "webhook", "https://h.example.org", SECRET, 3)
    assert SECRET not in repr(settings)
