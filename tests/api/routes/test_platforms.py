"""Platform adaptations over HTTP, read through the cache."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import User, create_persona, error_of


def test_store_read_and_replace_an_adaptation(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    missing = client.get(f"/api/personas/{pid}/platform/linkedin", headers=alice.headers)
    assert missing.status_code == 404
    assert error_of(missing)["details"] == {"persona_id": pid, "platform": "linkedin"}

    put = client.put(
        f"/api/personas/{pid}/platform/linkedin",
        json={"platform_specific_data": {"length": [150, 300]}, "quality_metrics": {"q": 0.8}},
        headers=alice.headers,
    )
    assert put.status_code == 200, put.text
    read = client.get(f"/api/personas/{pid}/platform/linkedin", headers=alice.headers)
    assert read.status_code == 200
    assert read.json()["data"]["platform_specific_data"] == {"length": [150, 300]}
    assert read.json()["data"]["quality_metrics"] == {"q": 0.8}

    # Replacing one field: the cached copy must not survive the write.
    client.put(
        f"/api/personas/{pid}/platform/linkedin",
        json={"quality_metrics": {"q": 0.9}},
        headers=alice.headers,
    )
    again = client.get(f"/api/personas/{pid}/platform/linkedin", headers=alice.headers)
    assert again.json()["data"]["quality_metrics"] == {"q": 0.9}
    assert again.json()["data"]["platform_specific_data"] == {"length": [150, 300]}

    client.put(f"/api/personas/{pid}/platform/blog", json={}, headers=alice.headers)
    listed = client.get(f"/api/personas/{pid}/platforms", headers=alice.headers).json()["data"]
    assert [row["platform"] for row in listed] == ["blog", "linkedin"]


def test_platform_names_and_values_are_checked(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    for name in ("LinkedIn", "a:b", "x" * 51):
        response = client.get(f"/api/personas/{pid}/platform/{name}", headers=alice.headers)
        assert response.status_code == 422, name
    not_json_number = client.put(
        f"/api/personas/{pid}/platform/blog",
        content=b'{"quality_metrics": {"q": NaN}}',
        headers={**alice.headers, "content-type": "application/json"},
    )
    assert not_json_number.status_code == 422
    extra = client.put(
        f"/api/personas/{pid}/platform/blog", json={"other": 1}, headers=alice.headers
    )
    assert extra.status_code == 422
