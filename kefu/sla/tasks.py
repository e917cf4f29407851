"""Celery entry point for the sweeper (KEFU_USE_CELERY=1): the same function as in-process."""

from __future__ import annotations

from celery import shared_task

from kefu.sla.sweeper import sweep


@shared_task(name="kefu.sla.sweep")
def sweep_task() -> dict[str, int]:
    stats = sweep()
    return {"due": stats.work_orders, "warnings": stats.warnings, "breaches": stats.breaches,
            "closed": stats.closed, "incident_warnings": stats.incident_warnings,
            "incident_breaches": stats.incident_breaches}
