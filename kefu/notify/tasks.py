"""Celery entry points (used when KEFU_USE_CELERY is on); each calls the same function the
embedded runner calls."""

from __future__ import annotations

from celery import shared_task

from kefu.notify.dispatcher import dispatch_once


@shared_task(name="kefu.notify.dispatch_outbox")
def dispatch_outbox_task(limit: int = 200) -> dict[str, int]:
    stats = dispatch_once(limit)
    return {"claimed": stats.claimed, "sent": stats.sent, "failed": stats.failed}
