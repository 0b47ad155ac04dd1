"""The HTTP API: a thin FastAPI shell over the store, cache, auth and style packages.

Routes parse input, call public personae functions and wrap the result in the
``{"success": …}`` envelope; errors from :mod:`personae.errors` become statuses in one
handler. Importing this package needs FastAPI; ``import personae`` never loads it.

>>> from personae.api import create_app
>>> app = create_app()  # doctest: +SKIP
"""

from __future__ import annotations

from personae.api.main import create_app

__all__ = ["create_app"]
