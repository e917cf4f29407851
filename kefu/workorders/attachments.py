"""Evidence attachments: size and type checked, stored with a SHA-256 checksum."""

from __future__ import annotations

import hashlib
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from kefu.audit.choices import AuditAction
from kefu.errors import InvalidInput
from kefu.file_types import Readable, content_matches
from kefu.orgs.actors import Actor
from kefu.workorders.choices import EventType
from kefu.workorders.models import Attachment
from kefu.workorders.steps import (
    audit_work_order,
    lock_work_order,
    record_event,
    touch,
    work_order_change,
)


def _check(name: str, content_type: str, head: bytes, size: int) -> None:
    limit = settings.KEFU_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise InvalidInput(
            f"附件超过大小限制（{limit // (1024 * 1024)} MB）",
            f"The attachment is larger than {limit // (1024 * 1024)} MB",
            fields={"file": ["过大 / too large"]},
        )
    if size == 0:
        raise InvalidInput("附件为空", "The attachment is empty", fields={"file": ["空 / empty"]})
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    declared = content_type or guessed
    allowed = set(settings.KEFU_ATTACHMENT_TYPES)
    if declared not in allowed or guessed not in allowed:
        raise InvalidInput("不支持的附件类型", "This type of file is not accepted",
                           fields={"file": [f"类型 / type {declared}"]})
    if not content_matches(declared, head):
        raise InvalidInput("附件内容与类型不符", "The file's content does not match its type",
                           fields={"file": ["内容不符 / content mismatch"]})


@work_order_change
def add_attachment(
    *, actor: Actor, work_order_id: int, name: str, content_type: str, stream: Readable,
    is_evidence: bool = True,
) -> Attachment:
    """Store an uploaded file on the work order with its checksum."""
    data = stream.read(settings.KEFU_ATTACHMENT_MAX_BYTES + 1)
    safe_name = (name or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    _check(safe_name, content_type, data[:16], len(data))
    wo = lock_work_order(actor, work_order_id)
    checksum = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        work_order=wo, original_name=safe_name,
        content_type=content_type or mimetypes.guess_type(safe_name)[0] or "",
        size=len(data), sha256=checksum, is_evidence=is_evidence, uploaded_at=timezone.now(),
        uploaded_by_name=actor.name, uploaded_by_user_id=actor.user_id,
    )
    attachment.file.save(f"{checksum[:16]}-{safe_name}", ContentFile(data), save=False)
    try:
        attachment.save()
        touch(wo)
        record_event(wo, actor, EventType.ATTACHMENT_ADDED, note=safe_name,
               data={"attachment_id": attachment.pk, "sha256": checksum, "size": len(data)},
               is_customer_visible=actor.is_customer)
        audit_work_order(wo, actor, AuditAction.ATTACHMENT_ADDED,
                         {"attachment_id": attachment.pk, "sha256": checksum})
    except BaseException:
        # The row will roll back with the transaction; the file must not outlive it.
        attachment.file.delete(save=False)
        raise
    return attachment
