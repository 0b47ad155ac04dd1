"""Request ids and JSON log lines.

Every request gets an id: the client's ``X-Request-Id`` when it is a short token of safe
characters (a proxy's id keeps one request traceable across hops), else a new one. The
response carries it back (``X-Request-Id``), and every log line written while the request
is served carries it too: :class:`RequestIdFilter` puts it on the record, and
:class:`JsonFormatter` writes one JSON object per line (``PERSONAE_LOG_FORMAT=json``, for
log shippers), so a user's report of an id finds the server's lines.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "RequestIdFilter",
    "current_request_id",
    "json_log_config",
    "request_id_for",
    "request_id_var",
]

REQUEST_ID_HEADER = "X-Request-Id"

request_id_var: ContextVar[str | None] = ContextVar("personae_request_id", default=None)
"""The id of the request being served in this context (``None`` outside a request)."""

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_for(sent: str | None) -> str:
    """The id of a request: the client's if it is safe to echo and log, else a new one."""
    if sent is not None and _SAFE_ID.match(sent):
        return sent
    return secrets.token_hex(12)


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` (or ``-``) to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def json_log_config() -> dict[str, object]:
    """A ``logging.config.dictConfig`` for uvicorn and personae that writes JSON lines.

    Plain data, so it can be saved as JSON for ``uvicorn --log-config log.json``.
    """
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "personae.api._logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "personae.api._logs.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {
            "uvicorn": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "personae": {"handlers": ["json"], "level": "INFO", "propagate": False},
        },
    }
