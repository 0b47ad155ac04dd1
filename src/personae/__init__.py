"""personae: capture a writer's voice once, measure it, and use it everywhere.

The Python API is the product; the ``personae`` CLI is a thin shell over it.
"""

from __future__ import annotations

from personae.errors import PersonaeError
from personae.style import Fingerprint, StyleProfile, analyze, attribute

__version__ = "0.1.0"

__all__ = ["Fingerprint", "PersonaeError", "StyleProfile", "__version__", "analyze", "attribute"]
