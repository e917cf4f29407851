"""The sweeper decides which clocks warn and which breach; the owners of the other rows act.

It reads only work orders whose `next_due_at` has come (an index on that column), so a sweep
costs what is due, not what is open. It handles them in batches, each batch one transaction:
the work order rows are locked with SKIP LOCKED on PostgreSQL, so several sweepers never handle
the same work order, and every change is re-checked under the lock, so running a sweep twice
does nothing the second time. What a warning or breach does to the work order (events,
e-mails, the move up a tier) is the kernel's (`kefu.workorders.clock_effects`); what it does
beyond the work order (a supervision entry) is declared by the app that owns it
(`kefu.workorders.reactions`). Auto-closure and the other periodic work run from `kefu.jobs`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from kefu.audit.actions import record_audits
from kefu.db import bulk_set
from kefu.sla.choices import ClockKind, ClockState
from kefu.sla.clocks import next_due, pass_due
from kefu.sla.models import SlaClock
from kefu.sla.rules import SELF_ACTING
from kefu.workorders import reactions
from kefu.workorders.clock_effects import BREACH_FIELDS, ClockEffects
from kefu.workorders.models import WorkOrder


@dataclass
class SweepStats:
    work_orders: int = 0
    warnings: int = 0
    breaches: int = 0
    closed: int = 0
    subtasks_overdue: int = 0
    supervision: int = 0
    incident_warnings: int = 0
    incident_breaches: int = 0
    to_close: list[int] = field(default_factory=list)


def sweep_clocks(now: datetime | None = None, *, batch: int = 1000) -> SweepStats:
    """Flip every work order clock due by `now`, batch after batch, until nothing is due. The
    work orders whose auto-close clock has run out are listed in `to_close`."""
    now = now or timezone.now()
    total = SweepStats()
    while True:
        stats = sweep_batch(now, batch=batch)
        total.work_orders += stats.work_orders
        total.warnings += stats.warnings
        total.breaches += stats.breaches
        total.to_close += stats.to_close
        if stats.work_orders < batch:
            return total


# What the sweep reads and writes of a work order and its clocks; the rest stays unread.
_SWEPT_FIELDS = ("number", "owner", "unit", "tier", "is_escalated", "version", "next_due_at",
                 "is_overdue")
_SWEPT_CLOCK_FIELDS = ("work_order", "clock", "state", "deadline", "warn_at", "warned_at",
                       "breached_at", "finished_at")


@transaction.atomic(durable=True)
def sweep_batch(now: datetime, *, batch: int = 1000) -> SweepStats:
    """One batch: lock due work orders no other sweeper holds, and handle their clocks."""
    due = WorkOrder.objects.filter(next_due_at__lte=now).order_by("next_due_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    orders = list(due.only(*_SWEPT_FIELDS)[:batch])
    stats = SweepStats(work_orders=len(orders))
    if not orders:
        return stats
    clocks_by_order: dict[int, list[SlaClock]] = {}
    for clock in SlaClock.objects.filter(work_order__in=orders).only(*_SWEPT_CLOCK_FIELDS):
        clocks_by_order.setdefault(clock.work_order_id, []).append(clock)
    # Read once: a lazy label costs a catalogue lookup each time it is turned into text.
    labels = {kind.value: str(kind.label) for kind in ClockKind}
    out = ClockEffects.for_orders(orders, now, labels)
    changed: list[SlaClock] = []
    for wo in orders:
        clocks = clocks_by_order.get(wo.pk, [])
        breached_now = []
        for clock in clocks:
            if clock.state != ClockState.RUNNING:
                continue
            if clock.clock in SELF_ACTING:
                if clock.deadline <= now:
                    stats.to_close.append(wo.pk)
                continue
            passed = pass_due(clock, now)
            if passed is None:
                continue
            changed.append(clock)
            if passed == ClockState.BREACHED:
                breached_now.append(clock)
            else:
                stats.warnings += 1
                out.warn(wo, clock)
        if breached_now:
            stats.breaches += len(breached_now)
            out.breach(wo, breached_now)
        wo.next_due_at = next_due(
            [c for c in clocks if c.clock not in SELF_ACTING or c.deadline > now])
        wo.is_overdue = any(c.state == ClockState.BREACHED and c.finished_at is None
                            for c in clocks)
    bulk_set(changed, ["state", "warned_at", "breached_at"])
    bulk_set(orders, ["next_due_at", "is_overdue", *BREACH_FIELDS])
    out.write()
    reactions.run_breach_reactions(out.breaches, now)
    if out.audits:
        record_audits(out.audits)
    return stats
