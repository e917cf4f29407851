"""Delivering the outbox: claim due messages, send each outside any transaction, record the try.

Delivery is at least once. A claim pushes `next_attempt_at` a lease ahead instead of marking the
row taken, so a dispatcher that dies mid-batch leaves nothing stuck: the rows fall due again
when the lease runs out. Several dispatchers can run at once; on PostgreSQL `SKIP LOCKED` keeps
them off each other's rows while claiming.

A message carrying a bearer secret is sent from its sealed body, which stays (encrypted) for as
long as a retry may need it and is emptied in the same update that records the message done;
what remains, and what any error or log line shows, has the secret redacted.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.gateways import sms_gateway
from kefu.notify.models import DeliveryAttempt, OutboxMessage
from kefu.redaction import REDACTED

log = logging.getLogger("kefu.notify")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)


class ChannelDisabled(Exception):
    pass


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before try number attempts+1: 30 s, 1 min, 2 min, … capped at 2 h."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def claim_due_messages(limit: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            OutboxMessage.objects.filter(id__in=ids).update(next_attempt_at=now + LEASE)
    return ids


def send_message(message: OutboxMessage) -> None:
    text = message.sealed_body or message.body
    if message.channel == MessageChannel.SMS:
        sms_gateway().send(message.recipient, text)
    elif message.channel == MessageChannel.EMAIL:
        if not settings.KEFU_USE_EMAIL:
            raise ChannelDisabled("email delivery is off (KEFU_USE_EMAIL)")
        EmailMessage(
            subject=message.subject, body=text, to=[message.recipient]
        ).send(fail_silently=False)
    else:
        raise ValueError(f"unknown channel {message.channel!r}")


def _redacted(error: str, message: OutboxMessage) -> str:
    """A gateway's error may quote the text it was given; the secrets are struck from it
    before it is stored or logged."""
    if message.sealed_secrets:
        for secret in json.loads(message.sealed_secrets):
            error = error.replace(secret, REDACTED)
    return error


def deliver_message(message_id: int) -> OutboxStatus:
    """Try one claimed message and record the outcome; returns its new status."""
    message = OutboxMessage.objects.get(pk=message_id)
    if message.status != OutboxStatus.PENDING:
        return OutboxStatus(message.status)
    started = time.monotonic()
    error, status = "", OutboxStatus.SENT
    try:
        send_message(message)
    except ChannelDisabled as exc:
        error, status = str(exc), OutboxStatus.SKIPPED
    except Exception as exc:  # any gateway failure is recorded and retried
        error = _redacted(f"{type(exc).__name__}: {exc}", message)
        is_last = message.attempts + 1 >= MAX_ATTEMPTS
        status = OutboxStatus.FAILED if is_last else OutboxStatus.PENDING
    elapsed_ms = int((time.monotonic() - started) * 1000)
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message_id=message.pk, at=now, is_success=status == OutboxStatus.SENT, error=error,
            duration_ms=elapsed_ms,
        )
        attempts = message.attempts + 1
        fields: dict[str, object] = {"attempts": attempts, "status": status, "last_error": error}
        if status == OutboxStatus.SENT:
            fields["sent_at"] = now
        if status == OutboxStatus.PENDING:
            fields["next_attempt_at"] = now + backoff(attempts)
        else:
            # Done one way or the other: nothing will send the sealed body again.
            fields["sealed_body"] = fields["sealed_secrets"] = ""
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(**fields)
    if error:
        log.warning("outbox message %s try %s: %s", message.pk, attempts, error)
    return status


def dispatch_once(limit: int = 100) -> DispatchStats:
    """Claim up to `limit` due messages and try each once."""
    stats = DispatchStats()
    for message_id in claim_due_messages(limit):
        stats.claimed += 1
        status = deliver_message(message_id)
        if status == OutboxStatus.SENT:
            stats.sent += 1
        elif status == OutboxStatus.SKIPPED:
            stats.skipped += 1
        else:
            stats.failed += 1
    return stats
