"""StyleProfile: a voice built from many samples."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Self

from pydantic import BaseModel

from personae.style._results import Match

__all__ = ["MIN_WORDS_TO_JUDGE", "StyleProfile"]

MIN_WORDS_TO_JUDGE = 25


class StyleProfile(BaseModel):
    name: str

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        *,
        name: str,
        on_progress: Callable[[int], None] | None = None,
    ) -> Self:
        raise NotImplementedError

    def update(self, texts: Iterable[str]) -> Self:
        raise NotImplementedError

    def match(self, text: str) -> Match:
        raise NotImplementedError

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Self:
        return cls.model_validate_json(data)
