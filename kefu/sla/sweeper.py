"""The sweeper: warn before deadlines, mark breaches, escalate and open supervision.

It reads only work orders whose `next_due_at` has come (an index on that column), so a sweep
costs what is due, not what is open. It handles them in batches, each batch one transaction:
the work order rows are locked with SKIP LOCKED on PostgreSQL, so several sweepers never handle
the same work order, and every change is re-checked under the lock, so running a sweep twice
does nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from kefu.audit.actions import AuditRecord, record_audits
from kefu.db import bulk_insert, bulk_set
from kefu.escalation.models import SupervisionEntry, SupervisionReason
from kefu.notify.choices import MessageChannel
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message
from kefu.orgs.actors import SYSTEM
from kefu.orgs.choices import Role
from kefu.orgs.models import Staff
from kefu.orgs.queries import UnitTree, ancestor_at_tier, unit_tree
from kefu.sla.choices import ClockKind, ClockState
from kefu.sla.clocks import next_due
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


@transaction.atomic(durable=True)
def sweep_batch(now: datetime, *, batch: int = 1000) -> SweepStats:
    """One batch: lock due work orders no other sweeper holds, and handle their clocks."""
    due = WorkOrder.objects.filter(next_due_at__lte=now).order_by("next_due_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    # Contact fields are encrypted and not needed here: leave them undecrypted.
    orders = list(due.defer("contact_name", "contact_phone", "content")[:batch])
    stats = SweepStats(work_orders=len(orders))
    if not orders:
        return stats
    clocks_by_order: dict[int, list[SlaClock]] = {}
    for clock in SlaClock.objects.filter(work_order__in=orders):
        clocks_by_order.setdefault(clock.work_order_id, []).append(clock)
    units = unit_tree()
    emails = dict(Staff.objects.filter(pk__in={wo.owner_id for wo in orders})
                  .exclude(user__email="").values_list("id", "user__email"))
    supervisors: dict[int, list[str]] = {}
    for unit_id, email in (Staff.objects.filter(unit__in={wo.unit_id for wo in orders},
                                                role=Role.SUPERVISOR)
                           .exclude(user__email="").values_list("unit_id", "user__email")):
        supervisors.setdefault(unit_id, []).append(email)
    changed: list[SlaClock] = []
    events: list[TimelineEvent] = []
    audits: list[AuditRecord] = []
    messages: list[OutboxMessage] = []
    entries: list[SupervisionEntry] = []
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
            if clock.deadline <= now:
                clock.state, clock.breached_at = ClockState.BREACHED, now
                clock.warned_at = clock.warned_at or now
                breached_now.append(clock)
                changed.append(clock)
            elif clock.warned_at is None and clock.warn_at <= now:
                clock.warned_at = now
                changed.append(clock)
                stats.warnings += 1
                events.append(_event(wo, EventType.SLA_WARNED, clock, now))
                audits.append(AuditRecord(SYSTEM, "SLA_WARNED", "work_order", wo.pk,
                                          {"clock": clock.clock, "deadline": clock.deadline}))
                messages += _tell_staff(wo, emails, supervisors, "sla_warned", clock, now)
        if breached_now:
            stats.breaches += len(breached_now)
            _escalate(wo, breached_now, now, units, (emails, supervisors),
                      (events, audits, messages, entries))
        wo.next_due_at = next_due(
            [c for c in clocks if c.clock not in SELF_ACTING or c.deadline > now])
        wo.is_overdue = any(c.state == ClockState.BREACHED and c.finished_at is None
                            for c in clocks)
    bulk_set(changed, ["state", "warned_at", "breached_at"])
    bulk_set(orders, ["next_due_at", "is_overdue", "tier", "unit", "is_escalated", "version"])
    bulk_insert(events)
    # A work order already under supervision for a breach gets no second open entry.
    open_already = set(SupervisionEntry.objects.filter(
        work_order__in=[e.work_order_id for e in entries], reason=SupervisionReason.SLA_BREACH,
        closed_at__isnull=True).values_list("work_order_id", flat=True))
    bulk_insert([e for e in entries if e.work_order_id not in open_already])
    bulk_insert(messages)
    if audits:
        record_audits(audits)
    return stats


def _escalate(
    wo: WorkOrder, breached: list[SlaClock], now: datetime,
    units: UnitTree,
    people: tuple[dict[int, str], dict[int, list[str]]],
    out: tuple[list[TimelineEvent], list[AuditRecord], list[OutboxMessage],
               list[SupervisionEntry]],
) -> None:
    """A breach: one tier up, the unit at that tier responsible and supervising (the handler
    keeps working on it and still sees it), the owner and supervisors told."""
    events, audits, messages, entries = out
    names = [c.clock for c in breached]
    for clock in breached:
        events.append(_event(wo, EventType.SLA_BREACHED, clock, now))
        messages += _tell_staff(wo, *people, "sla_breached", clock, now)
    wo.tier = max(1, wo.tier - 1)
    wo.unit_id = ancestor_at_tier(units, wo.unit_id, wo.tier) or wo.unit_id
    wo.is_escalated = True
    wo.version += 1
    audits.append(AuditRecord(SYSTEM, "SLA_BREACHED", "work_order", wo.pk,
                              {"clocks": names, "tier": wo.tier, "unit": wo.unit_id}))
    entries.append(SupervisionEntry(
        work_order=wo, supervising_unit_id=wo.unit_id, reason=SupervisionReason.SLA_BREACH,
        detail=", ".join(str(ClockKind(n).label) for n in names),
        due_at=now + timedelta(days=SUPERVISION_DAYS), opened_at=now,
        supervisor_name="system", next_report_due_at=now + timedelta(hours=24)))


def _event(wo: WorkOrder, kind: EventType, clock: SlaClock, now: datetime) -> TimelineEvent:
    return TimelineEvent(
        work_order=wo, at=now, event_type=kind, actor_role="system", actor_user_id=None,
        actor_name="system", note=str(ClockKind(clock.clock).label),
        data={"clock": clock.clock, "deadline": clock.deadline.isoformat()},
        is_customer_visible=False)


def _tell_staff(wo: WorkOrder, owners: dict[int, str], supervisors: dict[int, list[str]],
                template: str, clock: SlaClock, now: datetime) -> list[OutboxMessage]:
    """E-mail to the work order's owner and the supervisors of its unit."""
    recipients = dict.fromkeys([owners.get(wo.owner_id or 0, ""),
                                *supervisors.get(wo.unit_id, [])])
    subject, body = render_message(template, "zh-hans", {
        "number": wo.number, "clock": str(ClockKind(clock.clock).label),
        "deadline": f"{clock.deadline.astimezone(timezone.get_current_timezone()):%Y-%m-%d %H:%M}"})
    return [OutboxMessage(channel=MessageChannel.EMAIL, recipient=email, template=template,
                          subject=subject, body=body, work_order_id=wo.pk, next_attempt_at=now)
            for email in recipients if email]
