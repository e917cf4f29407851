"""Celery entry point for the knowledge base's hourly job (KEFU_USE_CELERY=1)."""

from __future__ import annotations

from celery import shared_task

from kefu.knowledge.actions import expire_articles, warn_expiring_articles


def keep_articles_current() -> dict[str, int]:
    """Articles at the end of their validity expire; those near it warn their editors."""
    return {"expired": expire_articles(), "warned": warn_expiring_articles()}


@shared_task(name="kefu.knowledge.expiry")
def expiry_task() -> dict[str, int]:
    return keep_articles_current()
