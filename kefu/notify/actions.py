"""Writing outbox messages. Delivery is the dispatcher's job, after commit."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message
from kefu.redaction import REDACTED

# Why the messages written now are kept as records and never sent, while history that
# happened before this installation is recorded (the demo's): its customers and staff are
# invented, and a real gateway must not hear from them.
_held_back: ContextVar[str | None] = ContextVar("messages_held_back", default=None)


@contextmanager
def messages_held_back(reason: str) -> Iterator[None]:
    """Every message written inside is stored as skipped, with `reason`, and never sent."""
    token = _held_back.set(reason)
    try:
        yield
    finally:
        _held_back.reset(token)


def outbox_state() -> dict[str, Any]:
    """The status fields of a message written now: pending, or skipped while held back. For
    writers that insert outbox rows in bulk."""
    reason = _held_back.get()
    if reason is None:
        return {"status": OutboxStatus.PENDING}
    return {"status": OutboxStatus.SKIPPED, "last_error": reason}


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
    state = outbox_state()
    return OutboxMessage.objects.create(
        channel=channel, recipient=recipient, template=template, language=language,
        subject=subject, body=body, work_order_id=work_order_id,
        next_attempt_at=timezone.now(), **state,
        # A message held back is never delivered, so it keeps no sealed copy of a secret.
        sealed_body=sealed_body if state["status"] == OutboxStatus.PENDING else "",
        sealed_secrets=json.dumps(list(secrets.values()))
        if secrets and state["status"] == OutboxStatus.PENDING else "",
    )
