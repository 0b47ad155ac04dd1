"""Wiring the persona service from the settings: one way for the API, the CLI and jobs."""

from __future__ import annotations

from typing import Literal

from personae.config import Settings
from personae.errors import EmbeddingError
from personae.jobs import ModelFactory, models_for
from personae.persona._draft_checks import TopicEmbedder, topic_embedder
from personae.persona._insights import PersonaChanged
from personae.persona._service import PersonaService
from personae.store import Database

__all__ = ["build_persona_service"]


def build_persona_service(
    settings: Settings,
    *,
    database: Database,
    models: ModelFactory | None = None,
    spec: str | None = None,
    on_change: PersonaChanged | None = None,
) -> PersonaService:
    """The persona service the settings describe.

    Parameters
    ----------
    settings
        ``max_text_chars``, the model (``PERSONAE_LLM``) and how drafts are judged on
        topic (``PERSONAE_TOPIC_CHECK``).
    database
        The store.
    models
        ``(owner_id, purpose, spec) -> LLM``; default: the configured provider, cached and
        recorded in ``database`` (:func:`~personae.jobs.recorded_models`).
    spec
        A model spec overriding ``PERSONAE_LLM`` for this service's calls.
    on_change
        Called with ``(owner_id, persona_id)`` after a commit that changed a persona.

    Examples
    --------
    >>> service = build_persona_service(settings, database=db)  # doctest: +SKIP
    >>> service.score_and_record(1, "A short post.", persona_name="ada").report.word_count
    ... # doctest: +SKIP
    3
    """
    llm_for = models_for(settings, database, models=models, spec=spec)
    return PersonaService(
        database,
        llm_for,
        max_text_chars=settings.max_text_chars,
        on_change=on_change,
        topic_embedder=_topic_check(settings.topic_check),
    )


def _topic_check(mode: Literal["auto", "embeddings", "keywords"]) -> TopicEmbedder | None:
    """The embedder that judges drafts on topic, or ``None`` for the key-word check."""
    if mode == "keywords":
        return None
    embedder = topic_embedder()
    if embedder is None and mode == "embeddings":
        raise EmbeddingError(
            "PERSONAE_TOPIC_CHECK=embeddings needs the 'embeddings' extra: "
            "pip install 'personae[embeddings]'"
        )
    return embedder
