"""Repairing and validating a model's JSON."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field

from personae.errors import LLMOutputError
from personae.llm import parse_structured, repair_json


class Identity(BaseModel):
    persona_name: str
    archetype: str
    words: list[str] = Field(default_factory=list)


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ('{"a": 1}', '{"a": 1}'),
        ('```json\n{"a": 1}\n```', '{"a": 1}'),
        ('```\n{"a": 1}\n```', '{"a": 1}'),
        ('Sure! Here it is: {"a": 1} Hope that helps.', '{"a": 1}'),
        ('{"a": [1, 2,], "b": {"c": 3,},}', '{"a": [1, 2], "b": {"c": 3}}'),
        ('{"ok": True, "no": False, "x": None}', '{"ok": true, "no": false, "x": null}'),
        (
            '{"text": "True, None, and {braces}, too,]"}',
            '{"text": "True, None, and {braces}, too,]"}',
        ),
        ('{"q": "she said \\"hi\\" }"} tail', '{"q": "she said \\"hi\\" }"}'),
        (
            '{"name": "Ada", "bio": "wrote the first progr',
            '{"name": "Ada", "bio": "wrote the first progr"}',
        ),
        ('{"a": 1, "b": ', '{"a": 1}'),
        ('{"a": 1, "b"', '{"a": 1}'),
        ('{"a": 1, "bi', '{"a": 1}'),
        ('{"a": [1, {"c": 2', '{"a": [1, {"c": 2}]}'),
        ("[1, 2,", "[1, 2]"),
        ("no json here", "no json here"),
        ('\ufeff  {"a": 1}  ', '{"a": 1}'),
    ],
)
def test_repairs(raw: str, repaired: str) -> None:
    assert repair_json(raw) == repaired


@pytest.mark.parametrize(
    "raw",
    [
        '{"persona_name": "Ada", "archetype": "Sage"}',
        '```json\n{"persona_name": "Ada", "archetype": "Sage",}\n```',
        'The identity: {"persona_name": "Ada", "archetype": "Sage", "words": ["a", "b"',
    ],
)
def test_untidy_answers_validate_after_repair(raw: str) -> None:
    identity = parse_structured(raw, Identity)
    assert (identity.persona_name, identity.archetype) == ("Ada", "Sage")


def test_a_repaired_truncation_keeps_what_was_said() -> None:
    identity = parse_structured(
        '{"persona_name": "Ada", "archetype": "Sage", "words": ["calm", "cle', Identity
    )
    assert identity.words == ["calm", "cle"]


def test_json_of_the_wrong_shape_says_which_field() -> None:
    with pytest.raises(LLMOutputError) as caught:
        parse_structured('{"persona_name": "Ada"}', Identity)
    error = caught.value
    assert error.details["errors"] == ["archetype: Field required"]
    assert error.details["last_output"] == '{"persona_name": "Ada"}'
    assert "Identity" in error.message


def test_no_json_at_all_is_an_output_error() -> None:
    with pytest.raises(LLMOutputError, match="not valid JSON"):
        parse_structured("I would rather not.", Identity)


def test_the_last_output_is_cut_to_a_readable_size() -> None:
    with pytest.raises(LLMOutputError) as caught:
        parse_structured("x" * 10_000, Identity)
    assert len(str(caught.value.details["last_output"])) == 2_000


def test_repair_never_changes_valid_json() -> None:
    value = {"a": [1, {"b": "c, ]}"}], "t": True, "n": None, "s": "True"}
    text = json.dumps(value)
    assert json.loads(repair_json(text)) == value
