"""Credentials never reach a log line, even when a client puts them in a URL.

``/ws/chat`` refuses ``?token=``, but uvicorn logs the request line (the access log, and
the "WebSocket … [accepted]" line) before the app sees it. :class:`RedactCredentials`,
installed on uvicorn's loggers by :func:`install_log_redaction`, replaces the value of
credential-like query parameters (``token``, ``access_token``, ``refresh_token``,
``api_key``, ``key``) and anything shaped like a personae API key or a JWT in a log
record's arguments with ``[redacted]``.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactCredentials", "install_log_redaction"]

_QUERY = re.compile(
    r"(?i)([?&](?:token|access_token|refresh_token|api_key|key|password)=)[^&\s\"']*"
)
_SHAPES = re.compile(
    r"pk_[a-z0-9]{8}_[A-Za-z0-9_-]{20,}"  # an API key
    r"|eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"  # a JWT
)
_LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn")


def _clean(text: str) -> str:
    return _SHAPES.sub("[redacted]", _QUERY.sub(r"\1[redacted]", text))


class RedactCredentials(logging.Filter):
    """Blank out credentials in a record's message and arguments (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                name: _clean(value) if isinstance(value, str) else value
                for name, value in record.args.items()
            }
        return True


_FILTER = RedactCredentials()


def install_log_redaction() -> None:
    """Put the filter on uvicorn's loggers (once; calling again changes nothing)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
