"""Definitions files: the store as a mirror of a JSON or YAML file of personas.

Two layouts are read. The canonical one, which :func:`export_definitions` writes::

    {"format": "personae.definitions", "version": 1,
     "personas": [{"name": "analyst", "display_name": "Data Analyst", "role": "…"}, …]}

and the G1 layout of ``personas_definitions.json``, a mapping from persona name to its
definition, where ``name`` inside an entry is the display name::

    {"analyst": {"name": "Data Analyst", "role": "…", "system_prompt": "…", …}}

:func:`sync_definitions` upserts by name in one transaction, only through
:mod:`personae.store.crud`, so every change is versioned and audited like any other.
Fields an entry leaves out are left as they are (a file that never mentions the
measured ``linguistic_fingerprint`` does not erase it), with one exception: an entry
in the file means the persona is active unless it says ``is_active: false``.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from personae._bounded import DocumentTooComplexError, load_json, load_yaml
from personae.errors import InvalidDefinitionError, SyncError
from personae.store import crud
from personae.store._models import PERSONA_FIELDS, Persona
from personae.store._schemas import (
    PersonaCreate,
    PersonaFields,
    PersonaUpdate,
    SyncIssue,
    SyncReport,
)

__all__ = [
    "DEFINITIONS_FORMAT",
    "dump_definitions",
    "export_definitions",
    "load_definitions",
    "sync_definitions",
]

DEFINITIONS_FORMAT = "personae.definitions"
"""The ``format`` marker of the canonical layout (``version`` 1)."""

Format = Literal["json", "yaml"]
Layout = Literal["canonical", "g1"]


def load_definitions(text: str, *, fmt: Format | None = None) -> Any:
    """Parse a definitions file's text as JSON or YAML.

    Parameters
    ----------
    fmt
        ``"json"`` or ``"yaml"``; ``None`` tries JSON, then YAML.

    Raises
    ------
    SyncError
        The text is neither (the message says where parsing stopped).
    """
    if fmt in (None, "json"):
        try:
            return load_json(text)
        except DocumentTooComplexError as exc:
            raise SyncError(str(exc)) from exc
        except json.JSONDecodeError as exc:
            if fmt == "json":
                raise SyncError(
                    f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                ) from exc
    try:
        return load_yaml(text)
    except DocumentTooComplexError as exc:
        raise SyncError(str(exc)) from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where is not None else ""
        raise SyncError(f"not valid JSON or YAML{at}") from exc


def dump_definitions(data: dict[str, Any], *, fmt: Format = "json") -> str:
    """Write definitions (from :func:`export_definitions`) as JSON or YAML text."""
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export_definitions(
    *,
    session: Session,
    owner_id: int,
    active_only: bool = False,
    layout: Layout = "canonical",
) -> dict[str, Any]:
    """The owner's personas as a definitions file; syncing it back changes nothing.

    Parameters
    ----------
    layout
        ``"canonical"`` (``{"format": …, "personas": [...]}``) or ``"g1"`` (a map from
        name to definition, ``name`` inside being the display name).
    """
    query = select(Persona).where(Persona.owner_id == owner_id)
    if active_only:
        query = query.where(Persona.is_active.is_(True))
    snapshots = [persona.snapshot() for persona in session.scalars(query.order_by(Persona.name))]
    if layout == "g1":
        return {
            snap["name"]: {"name": snap["display_name"]}
            | {k: v for k, v in snap.items() if k not in ("name", "display_name")}
            for snap in snapshots
        }
    return {"format": DEFINITIONS_FORMAT, "version": 1, "personas": snapshots}


class _Entry:
    """One valid entry: its name and the fields the file sets."""

    def __init__(self, fields: PersonaFields) -> None:
        self.name = fields.name
        self.model = fields
        self.desired: dict[str, Any] = {
            field: getattr(fields, field)
            for field in PERSONA_FIELDS
            if field in fields.model_fields_set
        }
        self.desired.setdefault("is_active", True)


def _where(prefix: str, loc: tuple[int | str, ...]) -> str:
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _raw_entries(data: Any) -> list[tuple[str, Any]]:
    """``(path, raw entry)`` pairs from either layout, in file order."""
    if not isinstance(data, dict):
        raise SyncError("a definitions file is an object: {'personas': [...]} or {name: {...}}")
    if "personas" in data and isinstance(data["personas"], list):
        unknown = sorted(set(data) - {"format", "version", "personas"})
        if unknown:
            raise SyncError(f"unknown top-level keys: {', '.join(map(str, unknown))}")
        if data.get("format", DEFINITIONS_FORMAT) != DEFINITIONS_FORMAT:
            raise SyncError(f"format {data['format']!r} is not {DEFINITIONS_FORMAT!r}")
        if data.get("version", 1) != 1:
            raise SyncError(f"definitions version {data['version']!r} is not supported (1 is)")
        return [(f"personas[{i}]", entry) for i, entry in enumerate(data["personas"])]
    pairs: list[tuple[str, Any]] = []
    for key, entry in data.items():
        path = f"[{json.dumps(str(key), ensure_ascii=False)}]"
        if isinstance(entry, dict):
            # G1 layout: the key is the name, and "name" inside is the display name.
            entry = dict(entry)
            if "name" in entry:
                entry.setdefault("display_name", entry["name"])
            entry["name"] = key
        pairs.append((path, entry))
    return pairs


def _validate_entry(path: str, raw: dict[str, Any]) -> tuple[PersonaFields | None, list[SyncIssue]]:
    """The entry's valid fields, and what was wrong with it.

    A field that fails validation is left out and the rest of the persona is synced;
    only an entry whose name is invalid, or that is still invalid without its bad
    fields, is skipped whole. Each issue says which of the two happened.
    """
    try:
        return PersonaFields.model_validate(raw), []
    except ValidationError as exc:
        errors = exc.errors()
    bad = {error["loc"][0] for error in errors if error["loc"]}
    if bad and "name" not in bad:
        try:
            fields = PersonaFields.model_validate({k: v for k, v in raw.items() if k not in bad})
        except ValidationError:
            pass
        else:
            return fields, [
                SyncIssue(
                    path=_where(path, error["loc"]),
                    message=f"field ignored, the rest of the persona synced: {error['msg']}",
                )
                for error in errors
            ]
    return None, [
        SyncIssue(path=_where(path, error["loc"]), message=f"persona not synced: {error['msg']}")
        for error in errors
    ]


def _validate(data: Any) -> tuple[list[_Entry], list[SyncIssue], set[str]]:
    """Valid entries, issues with paths, and every name the file mentions."""
    entries: list[_Entry] = []
    issues: list[SyncIssue] = []
    mentioned: set[str] = set()
    seen: dict[str, str] = {}
    for path, raw in _raw_entries(data):
        if not isinstance(raw, dict):
            issues.append(SyncIssue(path=path, message="an entry must be an object"))
            continue
        if isinstance(raw.get("name"), str):
            mentioned.add(raw["name"])
        fields, found = _validate_entry(path, raw)
        issues.extend(found)
        if fields is None:
            continue
        if fields.name in seen:
            issues.append(
                SyncIssue(
                    path=f"{path}.name",
                    message=f"duplicate name {fields.name!r} (first at {seen[fields.name]})",
                )
            )
            continue
        seen[fields.name] = path
        entries.append(_Entry(fields))
    return entries, issues, mentioned


def sync_definitions(
    *,
    session: Session,
    owner_id: int,
    data: Any,
    dry_run: bool = False,
    prune: bool = False,
    strict: bool = False,
    actor_id: int | None = None,
) -> SyncReport:
    """Make the owner's personas match a definitions file, in one transaction.

    Personas are matched by name: new names are created, changed fields are updated
    (each a new version, message ``"sync"``), and with ``prune`` the owner's active
    personas the file does not mention are deactivated (never deleted). Running the same
    file twice reports no changes the second time.

    Parameters
    ----------
    data
        The parsed file (see :func:`load_definitions`).
    dry_run
        Report what would change, with the field diffs, and write nothing.
    prune
        Deactivate active personas missing from the file.
    strict
        Refuse the whole file if any entry is invalid; otherwise invalid entries are
        reported in ``SyncReport.invalid`` with their path and skipped (and never pruned).

    Raises
    ------
    SyncError
        ``data`` is not a definitions file.
    InvalidDefinitionError
        ``strict`` and some entries are invalid; ``details["issues"]`` lists them.

    Any failure while writing rolls the session back, so a sync is never half applied.

    Examples
    --------
    >>> report = sync_definitions(session=s, owner_id=1, data=load_definitions(text))
    >>> report.change_count  # doctest: +SKIP
    3
    """
    entries, issues, mentioned = _validate(data)
    if strict and issues:
        first = issues[0]
        raise InvalidDefinitionError(
            f"{len(issues)} invalid field(s); nothing was synced. "
            f"First: {first.path}: {first.message}",
            issues=[issue.model_dump() for issue in issues],
        )
    report = SyncReport(dry_run=dry_run, invalid=issues)
    try:
        existing = {
            persona.name: persona
            for persona in session.scalars(select(Persona).where(Persona.owner_id == owner_id))
        }
        for entry in entries:
            _sync_entry(session, owner_id, entry, existing.get(entry.name), report, actor_id)
        if prune:
            for name in sorted(set(existing) - mentioned):
                persona = existing[name]
                if not persona.is_active:
                    continue
                report.deactivated.append(name)
                if not dry_run:
                    crud.update_persona(
                        session=session,
                        owner_id=owner_id,
                        persona_id=persona.id,
                        update=PersonaUpdate(
                            version=persona.version, is_active=False, message="sync: pruned"
                        ),
                        actor_id=actor_id,
                    )
    except BaseException:
        session.rollback()
        raise
    return report


def _sync_entry(
    session: Session,
    owner_id: int,
    entry: _Entry,
    current: Persona | None,
    report: SyncReport,
    actor_id: int | None,
) -> None:
    if current is None:
        report.created.append(entry.name)
        if not report.dry_run:
            data = PersonaCreate.model_validate(entry.model.model_dump(exclude_unset=True))
            crud.create_persona(
                session=session,
                owner_id=owner_id,
                data=data,
                actor_id=actor_id,
                message="sync: created",
            )
        return
    changes = crud.field_changes(current.snapshot(), entry.desired)
    if not changes:
        report.unchanged.append(entry.name)
        return
    report.updated[entry.name] = changes
    if not report.dry_run:
        update = PersonaUpdate.model_validate(
            {"version": current.version, "message": "sync"}
            | {change.field: change.new for change in changes}
        )
        crud.update_persona(
            session=session,
            owner_id=owner_id,
            persona_id=current.id,
            update=update,
            actor_id=actor_id,
        )
