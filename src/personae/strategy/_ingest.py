"""Importing engagement: validated, normalised, stored idempotently.

Part of :class:`~personae.strategy.StrategyService` (see :mod:`personae.strategy._service`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from personae.store import crud
from personae.strategy._engagement import ContentMetrics, content_metrics, validate_rows
from personae.strategy._results import ImportReport, RejectedRowInfo
from personae.strategy._service_base import IMPORT_CHUNK, _Base

__all__: list[str] = []


class _Ingest(_Base):
    """Importing engagement: validated, normalised, stored idempotently."""

    # -- engagement ----------------------------------------------------------------------

    def import_engagement(
        self,
        creator_id: int,
        rows: Iterable[tuple[int, object]],
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Validate ``(row number, raw row)`` pairs one by one and store the good ones.

        Idempotent: importing the same rows again changes nothing. ``on_progress(done,
        total)`` is called as rows are written.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        """
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        listed = list(rows)
        good, bad = validate_rows(listed)
        rejected = [RejectedRowInfo(**r.to_json()) for r in bad]
        inserted = updated = unchanged = 0
        for start in range(0, len(good), IMPORT_CHUNK):
            chunk = good[start : start + IMPORT_CHUNK]
            result = crud.upsert_engagement_events(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=creator_id,
                rows=[row.model_dump() for _, row in chunk],
            )
            inserted += result.inserted
            updated += result.updated
            unchanged += result.unchanged
            for index, field, message in result.conflicts:
                number, row = chunk[index]
                rejected.append(
                    RejectedRowInfo(
                        row=number, field=field, message=message, external_id=row.external_id
                    )
                )
            if on_progress is not None:
                on_progress(min(start + IMPORT_CHUNK, len(good)), len(good))
        rejected.sort(key=lambda r: (r.row, r.field or ""))
        return ImportReport(
            creator_id=creator_id,
            received=len(listed),
            inserted=inserted,
            updated=updated,
            unchanged=unchanged,
            rejected=rejected,
        )

    def _metrics(
        self, creator_id: int, *, content_ids: Sequence[str] = ()
    ) -> tuple[list[ContentMetrics], dict[str, Any]]:
        """Content metrics from every snapshot plus every event of ``content_ids``."""
        rows = list(
            crud.engagement_rows(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=creator_id,
                snapshots_only=True,
            )
        )
        if content_ids:
            rows += [
                row
                for row in crud.engagement_rows(
                    session=self.session,
                    owner_id=self.owner_id,
                    persona_id=creator_id,
                    content_ids=content_ids,
                )
                if row.audience_member_id is not None
            ]
        metrics, baselines = content_metrics(rows)
        return metrics, dict(baselines)
