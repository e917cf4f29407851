"""Celery entry point for the daily retention run (KEFU_USE_CELERY=1)."""

from __future__ import annotations

from celery import shared_task

from kefu.archive.actions import run_retention


@shared_task(name="kefu.archive.retention")
def retention_task() -> dict[str, int]:
    stats = run_retention()
    return {"done": stats.done, "held": stats.held, **stats.due}
