"""attribute(): rank candidate voices for a text."""

from __future__ import annotations

from collections.abc import Sequence

from personae.style._profile import StyleProfile
from personae.style._results import Attribution

__all__ = ["attribute"]


def attribute(text: str, profiles: Sequence[StyleProfile]) -> list[Attribution]:
    raise NotImplementedError
