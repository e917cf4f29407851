"""Appending to the audit log. Callers are actions already inside their transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from kefu.audit.chain import link_hash
from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditChainHead, AuditEntry
from kefu.db import insert_rows
from kefu.orgs.actors import Actor


@dataclass(frozen=True)
class AuditRecord:
    """One entry waiting to be appended."""

    actor: Actor
    action: AuditAction
    object_type: str
    object_id: int | str
    data: dict[str, Any] = field(default_factory=dict)


def record_audit(
    *,
    actor: Actor,
    action: AuditAction,
    object_type: str,
    object_id: int | str,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one link; see `record_audits`."""
    record_audits([AuditRecord(actor, action, object_type, object_id, data or {})])


def record_audits(records: list[AuditRecord]) -> None:
    """Append links in order. Must run inside the caller's transaction, as its last write:
    the chain head stays locked until that transaction ends, and every writer takes it last,
    so no two transactions wait on each other through it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audits must run inside the action's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    # The wall clock, not timezone.now(): the log records when a row was really written.
    at = datetime.now(UTC)
    rows = []
    seq, prev_hash = head.seq, head.hash
    for record in records:
        # Round-trip through JSON so the hash covers exactly what the JSON column returns.
        payload = json.loads(json.dumps(record.data, ensure_ascii=False, default=str))
        seq += 1
        row = {"seq": seq, "at": at, "actor_role": str(record.actor.role),
               "actor_user_id": record.actor.user_id, "actor_name": record.actor.name,
               "action": str(record.action), "object_type": record.object_type,
               "object_id": str(record.object_id), "data": payload, "prev_hash": prev_hash}
        row["hash"] = prev_hash = link_hash(
            prev_hash=prev_hash, seq=seq, at=at, actor_role=row["actor_role"],
            actor_user_id=row["actor_user_id"], actor_name=row["actor_name"],
            action=row["action"], object_type=row["object_type"], object_id=row["object_id"],
            data=payload,
        )
        rows.append(row)
    if len(rows) > 50:
        insert_rows(AuditEntry, rows)
    else:
        AuditEntry.objects.bulk_create([AuditEntry(**row) for row in rows])
    head.seq, head.hash = seq, prev_hash
    head.save(update_fields=["seq", "hash"])
