"""The sweeper: warn before deadlines, mark breaches, escalate and open supervision.

It reads only work orders whose `next_due_at` has come (an index on that column), so a sweep
costs what is due, not what is open. It handles them in batches, each batch one transaction:
the work order rows are locked with SKIP LOCKED on PostgreSQL, so several sweepers never handle
the same work order, and every change is re-checked under the lock, so running a sweep twice
does nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kefu.audit.actions import AuditRecord, record_audits
from kefu.db import bulk_set, insert_rows
from kefu.escalation.models import SupervisionEntry, SupervisionReason
from kefu.notify.choices import MessageChannel
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message
from kefu.orgs.actors import SYSTEM
from kefu.orgs.choices import Role
from kefu.orgs.models import Staff
from kefu.orgs.queries import UnitTree, ancestor_at_tier, unit_tree
from kefu.sla.choices import ClockKind, ClockState
from kefu.sla.clocks import next_due, pass_due
from kefu.sla.models import SlaClock
from kefu.sla.rules import SELF_ACTING
from kefu.workorders.choices import EventType
from kefu.workorders.models import TimelineEvent, WorkOrder

SUPERVISION_DAYS = 2  # working days the superior unit gives to answer a breach (SPEC §15)


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


def sweep(now: datetime | None = None, *, batch: int = 1000) -> SweepStats:
    """Handle everything due by `now`, batch after batch, until nothing is due."""
    now = now or timezone.now()
    total = SweepStats()
    while True:
        stats = sweep_batch(now, batch=batch)
        total.work_orders += stats.work_orders
        total.warnings += stats.warnings
        total.breaches += stats.breaches
        total.closed += sum(_auto_close(wo_id) for wo_id in stats.to_close)
        if stats.work_orders < batch:
            break
    from kefu.escalation.actions import mark_overdue_subtasks, remind_supervision
    from kefu.incidents.sweeper import sweep_incident_clocks

    total.subtasks_overdue = mark_overdue_subtasks(now)
    total.supervision = remind_supervision(now)
    total.incident_warnings, total.incident_breaches = sweep_incident_clocks(now)
    return total


def _auto_close(wo_id: int) -> bool:
    """Close a replied work order the customer did not answer (SPEC §3), as the system."""
    from kefu.workorders.actions import close_work_order
    from kefu.workorders.transitions import TransitionNotAllowed

    try:
        close_work_order(actor=SYSTEM, work_order_id=wo_id, is_auto_close=True)
    except TransitionNotAllowed:
        # Moved on in the meantime (reopened, withdrawn): the clock has nothing left to do.
        with transaction.atomic():
            SlaClock.objects.filter(work_order_id=wo_id, clock=ClockKind.AUTO_CLOSE,
                                    state=ClockState.RUNNING).update(
                state=ClockState.STOPPED, finished_at=timezone.now())
        return False
    return True


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
    out = _Batch.for_orders(orders, now)
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
            out.escalate(wo, breached_now)
        wo.next_due_at = next_due(
            [c for c in clocks if c.clock not in SELF_ACTING or c.deadline > now])
        wo.is_overdue = any(c.state == ClockState.BREACHED and c.finished_at is None
                            for c in clocks)
    bulk_set(changed, ["state", "warned_at", "breached_at"])
    bulk_set(orders, ["next_due_at", "is_overdue", "tier", "unit", "is_escalated", "version"])
    out.write()
    return stats


@dataclass
class _Batch:
    """What one batch writes besides the clocks and work orders, and what it needs to know to
    write it: who is told, the unit tree for escalation, the clocks' names in Chinese. New
    rows are kept as column values: thousands of model instances would cost more than the
    rows' own writing."""

    now: datetime
    units: UnitTree
    owner_emails: dict[int, str]
    supervisor_emails: dict[int, list[str]]
    labels: dict[str, str]
    tz: tzinfo
    events: list[dict[str, Any]] = field(default_factory=list)
    audits: list[AuditRecord] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def for_orders(cls, orders: list[WorkOrder], now: datetime) -> _Batch:
        owners = dict(Staff.objects.filter(pk__in={wo.owner_id for wo in orders})
                      .exclude(user__email="").values_list("id", "user__email"))
        supervisors: dict[int, list[str]] = {}
        for unit_id, email in (Staff.objects.filter(unit__in={wo.unit_id for wo in orders},
                                                    role=Role.SUPERVISOR)
                               .exclude(user__email="").values_list("unit_id", "user__email")):
            supervisors.setdefault(unit_id, []).append(email)
        # Read once: a lazy label costs a catalogue lookup each time it is turned into text.
        labels = {kind.value: str(kind.label) for kind in ClockKind}
        return cls(now, unit_tree(), owners, supervisors, labels,
                   timezone.get_current_timezone())

    def warn(self, wo: WorkOrder, clock: SlaClock) -> None:
        self.events.append(self._event(wo, EventType.SLA_WARNED, clock))
        self.audits.append(AuditRecord(SYSTEM, "SLA_WARNED", "work_order", wo.pk,
                                       {"clock": clock.clock, "deadline": clock.deadline}))
        self._tell_staff(wo, "sla_warned", clock)

    def escalate(self, wo: WorkOrder, breached: list[SlaClock]) -> None:
        """A breach: one tier up, the unit at that tier responsible and supervising (the
        handler keeps working on it and still sees it), the owner and supervisors told."""
        names = [c.clock for c in breached]
        for clock in breached:
            self.events.append(self._event(wo, EventType.SLA_BREACHED, clock))
            self._tell_staff(wo, "sla_breached", clock)
        wo.tier = max(1, wo.tier - 1)
        wo.unit_id = ancestor_at_tier(self.units, wo.unit_id, wo.tier) or wo.unit_id
        wo.is_escalated = True
        wo.version += 1
        self.audits.append(AuditRecord(SYSTEM, "SLA_BREACHED", "work_order", wo.pk,
                                       {"clocks": names, "tier": wo.tier, "unit": wo.unit_id}))
        self.entries.append({
            "work_order_id": wo.pk, "supervising_unit_id": wo.unit_id,
            "reason": SupervisionReason.SLA_BREACH,
            "detail": ", ".join(self.labels[n] for n in names),
            "due_at": self.now + timedelta(days=SUPERVISION_DAYS), "opened_at": self.now,
            "supervisor_name": "system", "next_report_due_at": self.now + timedelta(hours=24)})

    def write(self) -> None:
        insert_rows(TimelineEvent, self.events)
        # A work order already under supervision for a breach gets no second open entry.
        open_already = set(SupervisionEntry.objects.filter(
            work_order__in=[e["work_order_id"] for e in self.entries],
            reason=SupervisionReason.SLA_BREACH, closed_at__isnull=True,
        ).values_list("work_order_id", flat=True))
        insert_rows(SupervisionEntry,
                    [e for e in self.entries if e["work_order_id"] not in open_already])
        insert_rows(OutboxMessage, self.messages)
        if self.audits:
            record_audits(self.audits)

    def _event(self, wo: WorkOrder, kind: EventType, clock: SlaClock) -> dict[str, Any]:
        return {
            "work_order_id": wo.pk, "at": self.now, "event_type": kind, "actor_role": "system",
            "actor_user_id": None, "actor_name": "system", "note": self.labels[clock.clock],
            "data": {"clock": clock.clock, "deadline": clock.deadline.isoformat()},
            "is_customer_visible": False}

    def _tell_staff(self, wo: WorkOrder, template: str, clock: SlaClock) -> None:
        """E-mail to the work order's owner and the supervisors of its unit."""
        recipients = dict.fromkeys([self.owner_emails.get(wo.owner_id or 0, ""),
                                    *self.supervisor_emails.get(wo.unit_id, [])])
        deadline = clock.deadline.astimezone(self.tz)
        subject, body = render_message(template, "zh-hans", {
            "number": wo.number, "clock": self.labels[clock.clock],
            "deadline": f"{deadline:%Y-%m-%d %H:%M}"})
        self.messages += [
            {"channel": MessageChannel.EMAIL, "recipient": email, "template": template,
             "subject": subject, "body": body, "work_order_id": wo.pk,
             "next_attempt_at": self.now}
            for email in recipients if email]
