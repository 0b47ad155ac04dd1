"""What every part of :class:`~personae.strategy.StrategyService` shares: its state and
the small helpers of arms and running means.

The service is one class built from one mixin per use case (``_ingest``, ``_learn``,
``_recommend``, ``_queries``, ``_reports``), each in its own module; this one holds the
constructor they all read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from personae.errors import InputError, PersonaNotFoundError
from personae.store import MAX_INT, Strategy, crud
from personae.store._models import utcnow
from personae.strategy._arms import Arm, ArmSpace
from personae.strategy._policies import DEFAULT_POLICY, POLICY_NAMES, PolicyName
from personae.strategy._results import StrategyArm
from personae.vectors import Embedder

__all__ = ["IMPORT_CHUNK"]

_log = logging.getLogger(__name__)

IMPORT_CHUNK = 2000
"""Rows written per step of an import (the progress callback is called after each)."""

_MAX_DEFAULT_TOPICS = 8
_MAX_DEFAULT_PLATFORMS = 5
_MAX_EXTRA_HOURS = 3
_SIMILAR_SHOWN = 3
_ALTERNATIVES_SHOWN = 3
_FEATURES_SHOWN = 5
_SERIES_SHOWN = 100


def _arm_of(node: Strategy) -> Arm:
    return Arm(
        topic=node.topic,
        format=node.format,
        tone=node.tone,
        posting_hour=node.posting_hour,
        platform=node.platform,
    )


def _arm_model(arm: Arm) -> StrategyArm:
    return StrategyArm(
        topic=arm.topic,
        format=arm.format,
        tone=arm.tone,
        posting_hour=arm.posting_hour,
        platform=arm.platform,
    )


_POLICY_NAMES: dict[str, PolicyName] = {name: name for name in POLICY_NAMES}


def _usable(option: str) -> bool:
    """Whether a persona's expertise entry can serve as a topic as it is."""
    try:
        ArmSpace(topics=[option], formats=["text"], tones=["x"], posting_hours=[0])
    except InputError:
        return False
    return True


def _running(old: float | None, value: float, n: int) -> float:
    return value if old is None else old + (value - old) / n


class _Base:
    """The state and helpers every use case of :class:`~personae.strategy.StrategyService`
    shares (its docstring lists the parameters)."""

    def __init__(
        self,
        *,
        session: Session,
        owner_id: int,
        embedder: Embedder | None = None,
        policy: PolicyName = DEFAULT_POLICY,
        seed: int | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.owner_id = owner_id
        self.embedder = embedder
        self.policy_name: PolicyName = policy
        self.seed = seed
        self.clock = clock

    def creator(self, name: str) -> int:
        """The id of the owner's persona named ``name`` (or whose id ``name`` is).

        Raises
        ------
        PersonaNotFoundError
            The owner has no such persona.
        """
        try:
            return crud.get_persona_by_name(
                session=self.session, owner_id=self.owner_id, name=name
            ).id
        except PersonaNotFoundError:
            if name.isdigit() and 0 < int(name) <= MAX_INT:
                return crud.get_persona(
                    session=self.session, owner_id=self.owner_id, persona_id=int(name)
                ).id
            raise
