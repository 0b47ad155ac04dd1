"""The store's logs of model calls: where :class:`~personae.llm.RecordedLLM` keeps its records.

``personae.llm`` never imports the store; a service building a model hands it one of
these (see :mod:`personae.llm._recorded` for the hook's three steps):

- :class:`StoreCallLog` writes each call at once, in a short transaction of its own
  (``llm_usage``, and ``llm_responses`` for cacheable answers): for jobs, the CLI and
  requests that make one call.
- :class:`BufferedCallLog` keeps the calls in memory until the service writes them with
  :meth:`BufferedCallLog.flush` inside its own unit of work, so a chat turn's model calls
  cost no transaction of their own. Its lookups read nothing (a chat turn's calls are
  not served from the cache: the reply samples at a temperature above 0 and extraction
  reads that fresh reply, so a hit is as good as impossible and a read would cost a
  transaction per call).

A per-owner budget check goes in :meth:`StoreCallLog.check` (a subclass, or a wrapper
log), reading :func:`~personae.store.crud.llm_usage_summary`.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.orm import Session

from personae.llm import CallLog, LLMCall
from personae.store import crud
from personae.store._db import Database, session_scope

__all__ = ["BufferedCallLog", "StoreCallLog", "write_call"]


def write_call(session: Session, call: LLMCall) -> None:
    """One call's ``llm_usage`` row and, when it carries an answer, its cache row."""
    crud.record_llm_usage(
        session=session,
        owner_id=call.owner_id,
        provider=call.provider,
        model=call.model,
        prompt_tokens=call.prompt_tokens,
        completion_tokens=call.completion_tokens,
        latency_ms=call.latency_ms,
        cached=call.cached,
        purpose=call.purpose,
    )
    if call.cache_key is not None and call.response is not None:
        crud.put_llm_response(
            session=session,
            key=call.cache_key,
            owner_id=call.owner_id,
            provider=call.provider,
            model=call.model,
            response=call.response,
        )


class StoreCallLog(CallLog):
    """Looks answers up in ``llm_responses`` and writes each call at once.

    Examples
    --------
    >>> llm = RecordedLLM(build_llm(settings), log=StoreCallLog(db), owner_id=1)
    ... # doctest: +SKIP
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    def lookup(self, key: str, *, owner_id: int | None) -> dict[str, Any] | None:
        """The stored answer, read in a transaction of its own."""
        with session_scope(self.database) as session:
            return crud.get_llm_response(session=session, key=key, owner_id=owner_id)

    def record(self, call: LLMCall) -> None:
        """Write the call (and its answer) in a transaction of its own."""
        with session_scope(self.database) as session:
            write_call(session, call)


class BufferedCallLog(CallLog):
    r"""Holds calls until :meth:`flush` writes them in the caller's transaction.

    Thread-safe (a streamed reply records from the thread that produces it). Once
    flushed or :meth:`close`\ d, the log is spent: a call recorded later (a stream the
    client abandoned, whose producer thread stops after the turn ended) goes to ``late``
    at once, and :meth:`close` writes what is still held there too, so no spent token
    goes unrecorded. Without ``late`` such calls are dropped.
    """

    def __init__(self, late: CallLog | None = None) -> None:
        self._calls: list[LLMCall] = []
        self._spent = False
        self._late = late
        self._lock = threading.Lock()

    @property
    def pending(self) -> list[LLMCall]:
        """The calls not written yet, oldest first."""
        with self._lock:
            return list(self._calls)

    def record(self, call: LLMCall) -> None:
        """Keep the call for :meth:`flush` (or hand it to ``late`` once spent)."""
        with self._lock:
            if not self._spent:
                self._calls.append(call)
                return
        if self._late is not None:
            self._late.record(call)

    def flush(self, session: Session) -> int:
        """Write the held calls through ``session`` (flush only); how many were written."""
        with self._lock:
            calls, self._calls, self._spent = self._calls, [], True
        for call in calls:
            write_call(session, call)
        return len(calls)

    def close(self) -> None:
        """The turn ended without :meth:`flush`: hand what is held to ``late``."""
        with self._lock:
            calls, self._calls, self._spent = self._calls, [], True
        if self._late is not None:
            for call in calls:
                self._late.record(call)
