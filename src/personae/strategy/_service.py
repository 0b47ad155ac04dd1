"""The strategy learning loop of one owner, in one unit of work.

``Performance data → reward → policy update → strategy generation → content → performance
data`` (seed 003): :class:`StrategyService` ingests engagement, recommends strategies with
an explanation, turns measured engagement into the seed's reward, updates the policy and
the strategy memory graph, and re-clusters the audience. Its collaborators come in as
constructor arguments (a session, an embedder, the policy's name), so tests pass a real
SQLite store and a deterministic embedder, and the API and CLI wire the real ones.

Every write goes through :mod:`personae.store.crud`; the caller's
:func:`~personae.store.session_scope` commits. A "creator" is one of the owner's
personas: every method takes its id and answers
:class:`~personae.errors.PersonaNotFoundError` for another owner's, exactly as for a
missing one.

Examples
--------
>>> with session_scope(db) as session:  # doctest: +SKIP
...     service = StrategyService(session=session, owner_id=user.id, embedder=embedder)
...     rec = service.recommend(persona.id)
...     rec.content_brief.instructions
'Write a video post for linkedin about ai, in a witty tone. Schedule it for 09:00 UTC.'
"""

from __future__ import annotations

from personae.strategy._reports import _Reports
from personae.strategy._service_base import IMPORT_CHUNK

__all__ = ["IMPORT_CHUNK", "StrategyService"]


class StrategyService(_Reports):
    """Strategy learning for the personas ("creators") of one owner.

    Parameters
    ----------
    session
        The unit of work every read and write uses (the caller commits).
    owner_id
        Whose creators these are.
    embedder
        Embeds strategy descriptions for the memory graph; without one, strategies are
        stored without embeddings and similarity queries find nothing.
    policy
        The policy of new decisions (:data:`~personae.strategy.DEFAULT_POLICY`).
    seed
        Seeds the policies' randomness (exploration, sampling, tie-breaks); ``None`` for
        fresh randomness on every call, as a service should.
    clock
        The time of decisions and rewards (timezone-aware UTC).
    """
