"""Record every change of an audited model, automatically, in the flush that writes it.

A model takes part by naming its entity (`__audit_entity__ = "venue"`) and, when its locality is not its own
`locality` relationship, by defining `audit_path()` (the locality path organizers are scoped by) and
`audit_label()`. A model that belongs to another (an item's people, a signing's parties) names the attribute of
its owner in `__audit_owner__`: its additions and removals are written as changes of the owner.

The rows are inserted with the flush's own connection, after the flush: in the same transaction, so a rolled back
change leaves no audit row and a committed one always has its row.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from flask import g, has_request_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from festival.audit.models import AuditEntry
from festival.core.time import utcnow

# Bookkeeping columns: never worth an audit line.
SKIPPED = {"id", "created_at", "updated_at", "version", "search_name", "name_key", "search_text"}
LABEL_MAX = 300


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_json(v) for v in value]
    identity = getattr(value, "id", None)
    return identity if identity is not None else str(value)


def _label(obj) -> str:
    if hasattr(obj, "audit_label"):
        return str(obj.audit_label())[:LABEL_MAX]
    for name in ("name", "title", "full_name"):
        if getattr(obj, name, None):
            return str(getattr(obj, name))[:LABEL_MAX]
    return ""


def _path(obj) -> str:
    if hasattr(obj, "audit_path"):
        return obj.audit_path() or ""
    locality = getattr(obj, "locality", None)
    return locality.path if locality is not None else ""


def _changes(obj, created: bool) -> dict:
    state = inspect(obj)
    mapper = state.mapper
    found: dict = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SKIPPED:
            continue
        history = state.attrs[key].history
        if created:
            value = getattr(obj, key)
            if value not in (None, "", False):
                found[key] = [None, _json(value)]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else getattr(obj, key)
            if _json(before) != _json(after):
                found[key] = [_json(before), _json(after)]
    if not created:
        for rel in mapper.relationships:
            if not rel.uselist or rel.secondary is None:
                continue  # only many-to-many lists (a festival's hosts) are the record's own data
            history = state.attrs[rel.key].history
            if history.added or history.deleted:
                found[rel.key] = [_json(list(history.deleted)), _json(list(history.added))]
    return found


def _actor() -> tuple[int | None, str]:
    # The user Flask-Login already loaded for this request (never a query in the middle of a flush).
    if not has_request_context():
        return None, ""
    user = getattr(g, "_login_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.id, user.username


def _owned_change(obj, action: str) -> tuple[object, dict] | None:
    owner = getattr(obj, obj.__audit_owner__, None)
    if owner is None or getattr(owner, "__audit_entity__", None) is None:
        return None
    key = type(obj).__tablename__
    text = _label(obj) or _json(getattr(obj, "organization_id", None))
    return owner, {key: [text, None] if action == "delete" else [None, text]}


def collect(session: Session) -> list[dict]:
    entries: dict[tuple[str, int], dict] = {}

    def add(obj, action: str, changes: dict) -> None:
        if obj.id is None:
            return
        key = (obj.__audit_entity__, obj.id)
        entry = entries.get(key)
        if entry is None:
            entries[key] = {
                "action": action,
                "entity": obj.__audit_entity__,
                "entity_id": obj.id,
                "label": _label(obj),
                "locality_path": _path(obj),
                "changes": dict(changes),
            }
        else:
            entry["changes"].update(changes)

    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if getattr(type(obj), "__audit_owner__", None):
                found = _owned_change(obj, action)
                if found is not None:
                    owner, changes = found
                    add(owner, "update", changes)
                continue
            if getattr(type(obj), "__audit_entity__", None) is None:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = {} if action == "delete" else _changes(obj, created=action == "create")
            if action == "update" and not changes:
                continue
            add(obj, action, changes)
    return list(entries.values())


def note(session: Session, obj, action: str, changes: dict) -> None:
    """Record by hand what bulk statements did to `obj` (a merge moves references with UPDATEs the ORM never sees):
    a row written with the rest of the transaction."""
    user_id, username = _actor()
    session.add(
        AuditEntry(
            user_id=user_id,
            username=username,
            action=action,
            entity=obj.__audit_entity__,
            entity_id=obj.id,
            label=_label(obj),
            locality_path=_path(obj),
            changes={key: [_json(a), _json(b)] for key, (a, b) in changes.items()},
        )
    )


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context) -> None:
    rows = collect(session)
    if not rows:
        return
    user_id, username = _actor()
    now = utcnow()
    for row in rows:
        row.update(at=now, user_id=user_id, username=username)
    session.connection().execute(insert(AuditEntry), rows)
