"""The voice fixes, one module per family (:mod:`personae.persona._voice_fixes` applies them)."""
