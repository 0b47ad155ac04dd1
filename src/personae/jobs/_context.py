"""What a running job sees: its parameters, its owner, the store, and a progress dial."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from personae.config import Settings
from personae.llm import LLM, build_recorded_llm
from personae.store import Database, StoreCallLog, crud, session_scope

__all__ = ["JobContext", "ModelFactory", "models_for", "recorded_models"]

ModelFactory = Callable[[int, str, "str | None"], LLM]
"""``(owner_id, purpose, spec) -> LLM``: how a job gets its model. The server passes its
own (so tests can script it); a worker process builds the configured one."""


def recorded_models(settings: Settings, database: Database) -> ModelFactory:
    """The configured provider (a call's ``spec`` overrides ``PERSONAE_LLM``), cached and
    recorded in ``database`` for the owner (:class:`~personae.store.StoreCallLog`): the
    one model factory of the server, the CLI and the job runner."""
    log = StoreCallLog(database)

    def build(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return build_recorded_llm(settings, log=log, owner_id=owner_id, spec=spec, purpose=purpose)

    return build


def models_for(
    settings: Settings,
    database: Database,
    *,
    models: ModelFactory | None = None,
    spec: str | None = None,
) -> Callable[[int, str], LLM]:
    """A service's ``(owner_id, purpose) -> LLM``: ``models`` (default
    :func:`recorded_models`) with the model ``spec`` of this service's calls bound."""
    factory = models if models is not None else recorded_models(settings, database)

    def llm_for(owner_id: int, purpose: str) -> LLM:
        return factory(owner_id, purpose, spec)

    return llm_for


@dataclass(frozen=True, slots=True)
class JobContext:
    """Handed to a task function; progress is committed at once so pollers see it."""

    job_id: str
    owner_id: int
    params: dict[str, Any]
    database: Database
    settings: Settings
    llm_for: ModelFactory | None = None

    def llm(self, purpose: str) -> LLM:
        """The model the job asked for (``params["llm"]``), accounted to its owner."""
        spec = self.params.get("llm")
        if self.llm_for is not None:
            return self.llm_for(self.owner_id, purpose, spec)
        return recorded_models(self.settings, self.database)(self.owner_id, purpose, spec)

    def progress(self, fraction: float, message: str) -> None:
        """Report how far the job is (0..1, never backwards) and what it is doing."""
        with session_scope(self.database) as session:
            crud.update_job(
                session=session,
                job_id=self.job_id,
                progress=min(max(fraction, 0.0), 1.0),
                message=message,
            )
