"""Writing outbox messages. Delivery is the dispatcher's job, after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.notify.choices import MessageChannel
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message


def enqueue_message(
    *,
    channel: MessageChannel,
    recipient: str,
    template: str,
    context: dict[str, Any],
    language: str = "zh-hans",
    work_order_id: int | None = None,
) -> OutboxMessage | None:
    """Write one message into the outbox of the current transaction; None when there is no
    address to send to."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_message must run inside the action's transaction")
    if not recipient:
        return None
    subject, body = render_message(template, language, context)
    return OutboxMessage.objects.create(
        channel=channel, recipient=recipient, template=template, language=language,
        subject=subject, body=body, work_order_id=work_order_id,
        next_attempt_at=timezone.now(),
    )
