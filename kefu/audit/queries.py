"""Reading and verifying the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from django.db.models import QuerySet

from kefu.audit.chain import GENESIS, link_hash
from kefu.audit.models import AuditChainHead, AuditEntry
from kefu.errors import PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, has_capability


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    broken_seq: int | None = None
    reason: str = ""


def verify_audit_chain(batch: int = 2000) -> VerifyResult:
    """Walk the chain in order; report the first link whose hash or predecessor is wrong."""
    prev_hash, expected_seq, rows = GENESIS, 1, 0
    last_seq = 0
    while True:
        chunk = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not chunk:
            break
        for entry in chunk:
            if entry.seq != expected_seq:
                return VerifyResult(False, rows, expected_seq, f"link #{expected_seq} is missing")
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, rows, entry.seq, "previous-hash does not match")
            computed = link_hash(
                prev_hash=entry.prev_hash, seq=entry.seq, at=entry.at.astimezone(UTC),
                actor_role=entry.actor_role, actor_user_id=entry.actor_user_id,
                actor_name=entry.actor_name, action=entry.action,
                object_type=entry.object_type, object_id=entry.object_id, data=entry.data,
            )
            if computed != entry.hash:
                return VerifyResult(False, rows, entry.seq, "content does not match its hash")
            prev_hash, expected_seq, rows = entry.hash, expected_seq + 1, rows + 1
        last_seq = chunk[-1].seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != rows or head.hash != prev_hash):
        return VerifyResult(False, rows, rows + 1, "links after the last row were removed")
    return VerifyResult(True, rows)


def list_audit_entries(
    actor: Actor, *, object_type: str | None = None, object_id: str | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first; only roles allowed to read the audit log."""
    if not has_capability(actor.role, Capability.READ_AUDIT):
        raise PermissionRefused("无权查看审计日志", "You may not read the audit log")
    entries = AuditEntry.objects.order_by("-seq")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
