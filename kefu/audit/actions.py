"""Appending to the audit log. Callers are actions already inside their transaction."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.chain import link_hash
from kefu.audit.models import AuditChainHead, AuditEntry
from kefu.orgs.actors import Actor


def record_audit(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one link. Must run inside the caller's transaction, as late in it as possible,
    because the chain head stays locked until that transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit must run inside the action's transaction")
    # Round-trip through JSON so the hash covers exactly what the JSON column will return.
    payload = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    at = timezone.now().astimezone(UTC)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=at,
        actor_role=str(actor.role),
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=payload,
        prev_hash=head.hash,
    )
    entry.hash = link_hash(
        prev_hash=entry.prev_hash, seq=entry.seq, at=at, actor_role=entry.actor_role,
        actor_user_id=entry.actor_user_id, actor_name=entry.actor_name, action=action,
        object_type=object_type, object_id=entry.object_id, data=payload,
    )
    entry.save(force_insert=True)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry
