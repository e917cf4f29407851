"""Writing outbox messages. Delivery is the dispatcher's job, after commit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message
from kefu.redaction import REDACTED


def enqueue_message(
    *,
    channel: MessageChannel,
    recipient: str,
    template: str,
    context: dict[str, Any],
    secret_context: Mapping[str, str] | None = None,
    language: str = "zh-hans",
    work_order_id: int | None = None,
) -> OutboxMessage | None:
    """Write one message into the outbox of the current transaction; None when there is no
    address to send to. Values in `secret_context` are bearer secrets (a sign-in code, a
    survey link): the stored body shows them redacted, and the text as delivered is kept
    sealed only until the message is done."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_message must run inside the action's transaction")
    if not recipient:
        return None
    secrets = dict(secret_context or {})
    # The subject is rendered redacted too: a secret is for the body only, and a template
    # that put one in the subject would deliver it masked rather than leave it in clear.
    subject, body = render_message(template, language,
                                   {**context, **dict.fromkeys(secrets, REDACTED)})
    sealed_body = render_message(template, language, {**context, **secrets})[1] if secrets else ""
    return OutboxMessage.objects.create(
        channel=channel, recipient=recipient, template=template, language=language,
        subject=subject, body=body, work_order_id=work_order_id,
        sealed_body=sealed_body,
        sealed_secrets=json.dumps(list(secrets.values())) if secrets else "",
        next_attempt_at=timezone.now(),
    )


@transaction.atomic
def set_aside_pending_messages(*, reason: str) -> int:
    """Mark every pending message skipped without sending it, its sealed copy emptied; the
    number set aside."""
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SKIPPED, last_error=reason, sealed_body="", sealed_secrets="")
