"""Which strategy decision a draft follows: the link that lets its engagement teach.

A piece that names a strategy decision (a learning episode) rewards that decision once its
engagement settles (:mod:`personae.content._engagement`), so the link is checked when the
draft is kept: the decision and the strategy must be the owner's and of the draft's
persona, and a decision and a strategy named together must agree. A text generated from a
recommendation's brief is linked to its decision even when the caller does not say so.

Part of :class:`~personae.content.ContentService` (``save_draft``, ``keep_written``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from personae.content._schemas import DraftCreate
from personae.errors import InputError
from personae.store import Database, crud, session_scope

__all__ = ["check_decision", "decision_of"]

_OPEN_DECISIONS_SEARCHED = 20


def decision_of(database: Database, owner_id: int, persona_id: int, brief: str) -> int | None:
    """The newest open strategy decision of the persona whose brief this is (whitespace
    aside), among its 20 newest open decisions; ``None`` when none is."""
    wanted = " ".join(brief.split())
    with session_scope(database) as session:
        for episode in crud.list_learning_episodes(
            session=session,
            owner_id=owner_id,
            persona_id=persona_id,
            limit=_OPEN_DECISIONS_SEARCHED,
            rewarded=False,
        ):
            recommended = (episode.action.get("content_brief") or {}).get("instructions")
            if isinstance(recommended, str) and " ".join(recommended.split()) == wanted:
                return episode.id
    return None


def check_decision(session: Session, owner_id: int, draft: DraftCreate) -> int | None:
    """The strategy the draft follows; one named must be the owner's, of this persona
    (a decision names its strategy).

    Raises
    ------
    EpisodeNotFoundError
        The owner has no such decision.
    StrategyNotFoundError
        The owner has no such strategy.
    InputError
        The decision or the strategy is another persona's, or the decision is of another
        strategy than the one named.
    """
    strategy_id = draft.strategy_id
    if draft.episode_id is not None:
        episode = crud.get_learning_episode(
            session=session, owner_id=owner_id, episode_id=draft.episode_id
        )
        if episode.persona_id != draft.persona_id:
            raise InputError("the decision is another persona's", field="episode_id")
        if draft.strategy_id is not None and draft.strategy_id != episode.strategy_id:
            raise InputError("the decision is of another strategy", field="strategy_id")
        strategy_id = episode.strategy_id
    if strategy_id is not None:
        node = crud.get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
        if node.persona_id != draft.persona_id:
            raise InputError("the strategy is another persona's", field="strategy_id")
    return strategy_id
