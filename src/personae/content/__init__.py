"""The closed loop's content side: a library of every text written, a calendar, publishing
through plugins, engagement that finds its content, and A/B tests of persona versions.

Every text generation produces can be kept as a *piece* (persona, persona version,
platform, brief, the strategy decision it followed, its quality at creation). A person
edits it (history kept; the edit may teach the persona), approves and schedules it; a
publisher plugin (``personae.publishers`` entry points: ``webhook``, ``manual``) publishes
it at its time, from the job runner; engagement exports name it by the platform's id,
and once settled its reward updates the strategy's policy with no manual feedback.

>>> from personae.content import DraftCreate, build_content_service
>>> service = build_content_service(settings, database=db)  # doctest: +SKIP
>>> piece = service.save_draft(1, DraftCreate(persona_id=3, platform="x", text="Hi."))
... # doctest: +SKIP
"""

from __future__ import annotations

from personae.content._build import build_content_service
from personae.content._engagement import EngagementImport, RejectedExportRow, SettledPiece
from personae.content._experiments import (
    Allocation,
    ExperimentCreate,
    ExperimentReport,
    VariantReport,
    VariantSpec,
)
from personae.content._exports import EXPORT_FORMATS, ExportFormat
from personae.content._publishers import (
    ENTRY_POINT_GROUP,
    ManualPublisher,
    PublisherPlugin,
    PublisherSettings,
    PublishOutcome,
    Transport,
    WebhookPublisher,
    get_publisher_plugin,
    sign,
)
from personae.content._publishing import DueResult
from personae.content._schemas import (
    MAX_CONTENT_CHARS,
    ContentPage,
    ContentPieceDetail,
    ContentPiecePublic,
    DraftCreate,
    EditPublic,
    EditRequest,
    PublishAttemptPublic,
    PublisherCreate,
    PublisherPublic,
    PublishRequest,
    ScheduleRequest,
)
from personae.content._service import ContentService
from personae.content._tasks import PUBLISH_DUE, DueScheduler
from personae.content._timing import PostingTime

__all__ = [
    "ENTRY_POINT_GROUP",
    "EXPORT_FORMATS",
    "MAX_CONTENT_CHARS",
    "PUBLISH_DUE",
    "Allocation",
    "ContentPage",
    "ContentPieceDetail",
    "ContentPiecePublic",
    "ContentService",
    "DraftCreate",
    "DueResult",
    "DueScheduler",
    "EditPublic",
    "EditRequest",
    "EngagementImport",
    "ExperimentCreate",
    "ExperimentReport",
    "ExportFormat",
    "ManualPublisher",
    "PostingTime",
    "PublishAttemptPublic",
    "PublishOutcome",
    "PublishRequest",
    "PublisherCreate",
    "PublisherPlugin",
    "PublisherPublic",
    "PublisherSettings",
    "RejectedExportRow",
    "ScheduleRequest",
    "SettledPiece",
    "Transport",
    "VariantReport",
    "VariantSpec",
    "WebhookPublisher",
    "build_content_service",
    "get_publisher_plugin",
    "sign",
]
