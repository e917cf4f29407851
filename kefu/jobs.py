"""The periodic work, in the order it runs, for the in-process scheduler (`kefu.runtime`) and
Celery beat (`kefu.celery`) alike. Each job is an app's own function; this module only puts
them in order. Every job is safe to run in several processes at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from kefu.archive.actions import run_retention
from kefu.escalation.actions import mark_overdue_subtasks, remind_supervision
from kefu.incidents.sweeper import sweep_incident_clocks
from kefu.knowledge.tasks import keep_articles_current
from kefu.notify.dispatcher import dispatch_once
from kefu.orgs.actors import SYSTEM
from kefu.sla.clocks import stop_auto_close
from kefu.sla.sweeper import SweepStats, sweep_clocks
from kefu.workorders.actions import CloseInput, close_work_order
from kefu.workorders.transitions import TransitionNotAllowed


def sweep(now: datetime | None = None, *, batch: int = 1000) -> SweepStats:
    """Everything time limits make due by `now`, in order: the work orders' clocks, then the
    auto-closures they ask for, overdue co-handling tasks, supervision reminders and overdue
    marks, and the incidents' notice clocks."""
    now = now or timezone.now()
    stats = sweep_clocks(now, batch=batch)
    stats.closed = sum(auto_close(wo_id) for wo_id in stats.to_close)
    stats.subtasks_overdue = mark_overdue_subtasks(now)
    stats.supervision = remind_supervision(now)
    stats.incident_warnings, stats.incident_breaches = sweep_incident_clocks(now)
    return stats


def auto_close(wo_id: int) -> bool:
    """Close a replied work order the customer did not answer (SPEC §3), as the system. False
    when it moved on in the meantime (reopened, withdrawn): its clock has nothing left to do."""
    try:
        close_work_order(actor=SYSTEM, work_order_id=wo_id, inputs=CloseInput(),
                         is_auto_close=True)
    except TransitionNotAllowed:
        stop_auto_close(wo_id)
        return False
    return True


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # the Celery task that runs it
    every: float  # seconds between runs
    run: Callable[[], object]
    # Acts on what time has made due, so it waits while the demo's past is still being
    # written beside the server: a sweep in between would breach half-told histories.
    waits_for_demo: bool = False


JOBS: tuple[Job, ...] = (
    Job("outbox-dispatcher", "kefu.notify.dispatch_outbox", 2.0, lambda: dispatch_once(200)),
    Job("sla-sweeper", "kefu.sla.sweep", 30.0, lambda: sweep(), waits_for_demo=True),
    Job("retention", "kefu.archive.retention", 24 * 3600.0, lambda: run_retention(),
        waits_for_demo=True),
    # Validity ends at an hour an editor chose: checked every few minutes, not daily.
    Job("knowledge-expiry", "kefu.knowledge.expiry", 300.0, keep_articles_current,
        waits_for_demo=True),
)


@shared_task(name="kefu.sla.sweep")
def sweep_task() -> dict[str, int]:
    stats = sweep()
    return {"due": stats.work_orders, "warnings": stats.warnings, "breaches": stats.breaches,
            "closed": stats.closed, "incident_warnings": stats.incident_warnings,
            "incident_breaches": stats.incident_breaches}
