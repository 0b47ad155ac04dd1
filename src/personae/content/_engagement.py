"""Engagement finds its content, and settled engagement teaches the policy by itself.

**Import.** An export (:mod:`personae.content._exports`) is read row by row; each row's
post id finds the published piece (:func:`~personae.store.crud.find_content_piece`), and
through it the persona, platform, strategy and learning episode: the export needs no
strategy ids. Each linked row becomes one counters snapshot of the piece (its event id is
the piece and the snapshot's time, so importing the same file again changes nothing),
stored through :meth:`~personae.strategy.StrategyService.import_engagement`. A row that
cannot be used is rejected **once**, with every reason.

**Settling.** A piece's engagement settles ``settle_after`` (48 h by default) after it was
published, or at once when asked. Then its reward is computed with the creator's weights:
a piece that followed a strategy decision rewards that decision
(:meth:`~personae.strategy.StrategyService.feedback`, which updates the policy and the
strategy graph); any other piece (an A/B test's, one written by hand) gets the same reward
computed without a decision to update.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from personae.content._exports import (
    EXPORT_FORMATS,
    ExportFormat,
    detect_format,
    read_row,
    resolve_columns,
)
from personae.errors import FeedbackConflictError, InputError, NotEnoughDataError
from personae.store import crud, session_scope
from personae.store._models import ContentPiece
from personae.strategy import (
    MAX_ROWS,
    StrategyService,
    compute_reward,
    content_metrics,
    reward_components,
)

if TYPE_CHECKING:
    from personae.content._service import ContentService

__all__ = ["EngagementImport", "RejectedExportRow", "SettledPiece", "import_export", "settle"]


class RejectedExportRow(BaseModel):
    """A row that was not imported, once, with every reason."""

    row: int = Field(description="Its line in the file.")
    reference: str | None
    reasons: list[str]


class SettledPiece(BaseModel):
    """A piece whose engagement settled, and what it taught."""

    piece_id: int
    reward: float
    strategy_id: int | None
    episode_id: int | None
    policy_updated: bool


class EngagementImport(BaseModel):
    """What an import did."""

    format: str
    platform: str | None
    columns: dict[str, str] = Field(description="The file's column read for each field.")
    received: int
    imported: int = Field(description="Rows stored (new or changed or already there).")
    inserted: int
    updated: int
    unchanged: int
    rejected_rows: int
    rejected: list[RejectedExportRow]
    pieces: list[int] = Field(description="The pieces the rows were linked to.")
    settled: list[SettledPiece]


def _event_id(piece: ContentPiece, when: datetime) -> str:
    raw = f"piece:{piece.id}@{when.isoformat()}"
    return raw if len(raw) <= 200 else hashlib.sha256(raw.encode()).hexdigest()


def content_ref(piece: ContentPiece) -> str:
    """The ``content_id`` a piece's engagement is stored under."""
    return piece.external_id or f"piece:{piece.id}"


def import_export(
    service: ContentService,
    owner_id: int,
    text: str,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    settle_now: bool = False,
) -> EngagementImport:
    """Import an analytics export (CSV) of the owner's published pieces.

    Raises
    ------
    InputError
        Not a CSV with a header, an unknown format or mapping, or too many rows.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    if not headers:
        raise InputError("the file is empty: an export starts with a header line")
    reader.fieldnames = headers
    chosen: ExportFormat
    if fmt is None or fmt == "auto":
        chosen = detect_format(headers)
    elif fmt in EXPORT_FORMATS:
        chosen = EXPORT_FORMATS[fmt]
    else:
        raise InputError(f"unknown format {fmt!r}; one of auto, {', '.join(EXPORT_FORMATS)}")
    columns = resolve_columns(chosen, headers, mapping or {})
    now = service.clock()
    rejected: list[RejectedExportRow] = []
    by_persona: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    linked: dict[int, None] = {}
    received = 0
    with session_scope(service.database) as session:
        try:
            for raw in reader:
                received += 1
                if received > MAX_ROWS:
                    raise InputError(f"more than {MAX_ROWS:,} rows; split the file")
                number = reader.line_num
                row = read_row(raw, columns)
                piece = None
                if row.reference is not None:
                    piece = crud.find_content_piece(
                        session=session,
                        owner_id=owner_id,
                        reference=row.reference,
                        platform=chosen.platform,
                    )
                    if piece is None:
                        row.problems.append(
                            f"no published piece of yours has the id {row.reference[:80]!r} "
                            "(publish through personae, or use its piece id)"
                        )
                    elif piece.published_at is None:
                        row.problems.append(f"piece {piece.id} is not published yet")
                if row.problems or piece is None or piece.published_at is None:
                    rejected.append(
                        RejectedExportRow(row=number, reference=row.reference, reasons=row.problems)
                    )
                    continue
                when = max(row.occurred_at or now, piece.published_at)
                event = {
                    "external_id": _event_id(piece, when),
                    "content_id": content_ref(piece),
                    "platform": piece.platform,
                    "occurred_at": when,
                    "published_at": piece.published_at,
                    "strategy_id": piece.strategy_id,
                    **row.counters,
                }
                by_persona[piece.persona_id].append((number, event))
                linked[piece.id] = None
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file (line {reader.line_num}: {exc})") from exc
        totals = _store(session, owner_id, by_persona, rejected)
    settled = settle(service, owner_id, piece_ids=list(linked), force=settle_now)
    rejected.sort(key=lambda r: r.row)
    return EngagementImport(
        format=chosen.name,
        platform=chosen.platform,
        columns=columns,
        received=received,
        imported=sum(totals.values()),
        inserted=totals["inserted"],
        updated=totals["updated"],
        unchanged=totals["unchanged"],
        rejected_rows=len(rejected),
        rejected=rejected,
        pieces=list(linked),
        settled=settled,
    )


def _store(
    session: Session,
    owner_id: int,
    by_persona: Mapping[int, list[tuple[int, dict[str, Any]]]],
    rejected: list[RejectedExportRow],
) -> dict[str, int]:
    totals = {"inserted": 0, "updated": 0, "unchanged": 0}
    strategy = StrategyService(session=session, owner_id=owner_id)
    for persona_id, rows in by_persona.items():
        report = strategy.import_engagement(persona_id, rows)
        totals["inserted"] += report.inserted
        totals["updated"] += report.updated
        totals["unchanged"] += report.unchanged
        reasons: dict[int, list[str]] = defaultdict(list)
        for problem in report.rejected:
            reasons[problem.row].append(f"{problem.field or 'row'}: {problem.message}")
        rejected.extend(
            RejectedExportRow(row=row, reference=None, reasons=found)
            for row, found in reasons.items()
        )
    return totals


def settle(
    service: ContentService,
    owner_id: int,
    *,
    piece_ids: list[int] | None = None,
    force: bool = False,
) -> list[SettledPiece]:
    """Compute the reward of each published, unsettled piece of the owner (those in
    ``piece_ids``, else all) whose engagement has settled (``force``: now), and let the
    policy learn from it. Pieces without engagement with a reach yet are left for later."""
    cutoff = service.clock() if force else service.clock() - service.settle_after
    with session_scope(service.database) as session:
        pieces = crud.unsettled_content_pieces(
            session=session, owner_id=owner_id, published_before=cutoff
        )
        wanted = [p.id for p in pieces if piece_ids is None or p.id in set(piece_ids)]
    out: list[SettledPiece] = []
    for piece_id in wanted:
        with session_scope(service.database) as session:
            done = _settle_one(session, owner_id, piece_id, service.clock())
        if done is not None:
            out.append(done)
    return out


def _settle_one(
    session: Session, owner_id: int, piece_id: int, now: datetime
) -> SettledPiece | None:
    piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
    strategy = StrategyService(session=session, owner_id=owner_id, clock=lambda: now)
    ref = content_ref(piece)
    learned = False
    reward: float | None = None
    if piece.episode_id is not None and piece.strategy_id is not None:
        try:
            result = strategy.feedback(
                piece.strategy_id, episode_id=piece.episode_id, content_ids=[ref]
            )
            reward, learned = result.reward, True
        except NotEnoughDataError:
            return None
        except FeedbackConflictError:
            reward = None  # already rewarded by hand: still record this piece's own reward
    if reward is None:
        rows = crud.engagement_rows(session=session, owner_id=owner_id, persona_id=piece.persona_id)
        metrics, _ = content_metrics(list(rows))
        mine = [m for m in metrics if m.content_id == ref and m.platform == piece.platform]
        try:
            components = reward_components(mine)
        except InputError:
            return None
        reward = compute_reward(components, strategy.weights(piece.persona_id))
    crud.update_content_piece(
        session=session,
        owner_id=owner_id,
        piece_id=piece.id,
        changes={"reward": reward, "settled_at": now},
        action="settle",
    )
    return SettledPiece(
        piece_id=piece.id,
        reward=reward,
        strategy_id=piece.strategy_id,
        episode_id=piece.episode_id,
        policy_updated=learned,
    )
