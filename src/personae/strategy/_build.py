"""Wiring the strategy service from the settings: one way for the API, the CLI and jobs.

:class:`~personae.strategy.StrategyService` works for one owner on one open session (its
use cases call each other inside one transaction). :class:`StrategyServices` is what the
shells hold instead: it opens the unit of work, builds the service on it with the
configured policy and embedder, and commits when the block ends (or rolls back when it
raises), so no route or command opens a session itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from personae.config import Settings
from personae.store import Database, session_scope
from personae.store._models import utcnow
from personae.strategy._policies import PolicyName
from personae.strategy._service import StrategyService
from personae.vectors import Embedder, LazyEmbedder

__all__ = ["StrategyServices", "build_strategy_service"]


@dataclass(frozen=True, slots=True)
class StrategyServices:
    """Opens a :class:`~personae.strategy.StrategyService` per owner and unit of work.

    Examples
    --------
    >>> strategies = build_strategy_service(settings, database=db)  # doctest: +SKIP
    >>> with strategies.open(owner_id) as service:  # doctest: +SKIP
    ...     service.recommend(creator_id).content_brief.instructions
    'Write a video post for linkedin about ai, in a witty tone. Schedule it for 09:00 UTC.'
    """

    database: Database
    policy: PolicyName
    embedder: Embedder | None = None
    seed: int | None = None
    clock: Callable[[], datetime] = utcnow

    @contextmanager
    def open(self, owner_id: int) -> Iterator[StrategyService]:
        """The owner's strategy service on a unit of work that commits when the block
        ends (database errors become :class:`~personae.errors.StoreError`)."""
        with session_scope(self.database) as session:
            yield StrategyService(
                session=session,
                owner_id=owner_id,
                embedder=self.embedder,
                policy=self.policy,
                seed=self.seed,
                clock=self.clock,
            )


def build_strategy_service(
    settings: Settings,
    *,
    database: Database,
    embedder: Embedder | None = None,
    seed: int | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> StrategyServices:
    """The strategy service the settings describe.

    Parameters
    ----------
    settings
        ``strategy_policy`` (the policy of new decisions) and the embedder
        (``PERSONAE_EMBEDDER``).
    database
        The store.
    embedder
        Embeds strategy descriptions for the memory graph (default: the configured one,
        loaded on first use; servers keep one per app).
    seed
        Seeds the policies' randomness (``None``: fresh randomness on every call).
    clock
        Now, in UTC.
    """
    return StrategyServices(
        database=database,
        policy=settings.strategy_policy,
        embedder=embedder if embedder is not None else LazyEmbedder(settings),
        seed=seed,
        clock=clock,
    )
