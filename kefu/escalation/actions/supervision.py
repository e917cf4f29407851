"""The supervision ledger (督办台账, 001 §3.4.4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.db import insert_rows
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.escalation.models import (
    Evaluation,
    SupervisionEntry,
    SupervisionReason,
    SupervisionReport,
)
from kefu.escalation.permissions import (
    can_close_supervision,
    can_report_supervision,
    can_supervise,
)
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.models import OrgUnit
from kefu.sla.calendar import SHANGHAI
from kefu.sla.choices import ClockKind
from kefu.sla.queries import current_calendar
from kefu.workorders.choices import (
    EventType,
    Severity,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.reactions import Breach
from kefu.workorders.steps import (
    audit,
    audit_work_order,
    change,
    lock_with_work_order,
    lock_work_order,
    record_event,
    tell_staff,
    touch,
    work_order_change,
)


@work_order_change
def open_supervision(*, actor: Actor, work_order_id: int, detail: str, working_days: int,
                     report_every_hours: int = 24) -> SupervisionEntry:
    """A supervisor puts a work order under supervision by their own unit."""
    wo = lock_work_order(actor, work_order_id)
    can_supervise(actor, wo).enforce()
    assert actor.unit_id is not None  # can_supervise refuses an actor without a unit
    errors: dict[str, list[str]] = {}
    if not detail.strip():
        errors["detail"] = [REQUIRED]
    if not 1 <= working_days <= 30:
        errors["working_days"] = ["1–30"]
    if not 1 <= report_every_hours <= 24 * 7:
        errors["report_every_hours"] = ["1–168"]
    if errors:
        raise InvalidInput("督办信息有误", "The supervision entry is invalid", fields=errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = SupervisionEntry.objects.create(
                work_order=wo, supervising_unit_id=actor.unit_id,
                reason=SupervisionReason.MANUAL, detail=detail.strip()[:200],
                due_at=current_calendar().add_working_days(now, working_days).at,
                opened_at=now, supervisor_name=actor.name,
                report_every_hours=report_every_hours,
                next_report_due_at=now + timedelta(hours=report_every_hours))
    except IntegrityError:
        raise Conflict("该工单已在督办中", "The work order is already under supervision") from None
    touch(wo)
    record_event(wo, actor, EventType.SUPERVISION_OPENED, note=entry.detail,
                 data={"entry": entry.pk, "due_at": entry.due_at.isoformat()})
    audit_work_order(wo, actor, AuditAction.SUPERVISION_OPENED, {"entry": entry.pk})
    for staff_id in {wo.owner_id, wo.handler_id} - {None}:
        tell_staff(staff_id, "supervision_opened", wo, detail=entry.detail,
                    due=f"{entry.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    return entry


def supervise_serious(wo: WorkOrder, actor: Actor) -> SupervisionEntry | None:
    """Called by the classify action in its transaction: a major or urgent complaint is
    supervised by the superior unit from the moment it is classified so (001 §3.1.4, §3.3.3),
    until its handling is due. Nothing when an entry for it is already open."""
    if SupervisionEntry.objects.filter(work_order=wo, reason=SupervisionReason.MAJOR_SEVERITY,
                                       closed_at__isnull=True).exists():
        return None
    now = timezone.now()
    handling = wo.clocks.filter(clock=ClockKind.HANDLING_COMPLETE).values_list(
        "deadline", flat=True).first()
    due = handling or current_calendar().add_working_days(now, 15).at
    superior = OrgUnit.objects.filter(pk=wo.unit_id).values_list("parent_id", flat=True).first()
    entry = SupervisionEntry.objects.create(
        work_order=wo, supervising_unit_id=superior or wo.unit_id,
        reason=SupervisionReason.MAJOR_SEVERITY, detail=str(Severity(wo.severity).label),
        due_at=due, opened_at=now, supervisor_name="system", report_every_hours=24,
        next_report_due_at=now + timedelta(hours=24))
    record_event(wo, actor, EventType.SUPERVISION_OPENED, note=entry.detail,
                 data={"entry": entry.pk, "due_at": due.isoformat(), "reason": entry.reason})
    audit_work_order(wo, actor, AuditAction.SUPERVISION_OPENED, {"entry": entry.pk,
                                                       "reason": entry.reason})
    return entry


def _locked_entry(actor: Actor, entry_id: int) -> tuple[WorkOrder, SupervisionEntry]:
    wo, entry = lock_with_work_order(actor, SupervisionEntry, entry_id,
                                     NotFound("督办记录不存在", "No such supervision entry"))
    if entry.closed_at is not None:
        raise Conflict("督办已结束", "The supervision entry is closed")
    return wo, entry


@work_order_change
def report_supervision_progress(*, actor: Actor, entry_id: int,
                                progress: str) -> SupervisionReport:
    """The people on the work order report how it is going; the next report falls due."""
    can_report_supervision(actor).enforce()
    if not progress.strip():
        raise InvalidInput("请填写进展情况", "Describe the progress",
                           fields={"progress": [REQUIRED]})
    wo, entry = _locked_entry(actor, entry_id)
    now = timezone.now()
    report = SupervisionReport.objects.create(entry=entry, at=now, progress=progress.strip(),
                                              by_name=actor.name, by_user_id=actor.user_id)
    entry.next_report_due_at = now + timedelta(hours=entry.report_every_hours)
    entry.save(update_fields=["next_report_due_at"])
    # A report on an archived work order's entry is refused by the lock above.
    # 001 §3.4.4: the customer follows the progress of a supervised complaint.
    record_event(wo, actor, EventType.SUPERVISION_REPORTED, note=report.progress,
                 data={"entry": entry.pk}, is_customer_visible=True)
    audit_work_order(wo, actor, AuditAction.SUPERVISION_REPORTED, {"entry": entry.pk})
    return report


@work_order_change
def close_supervision(*, actor: Actor, entry_id: int, evaluation: str,
                      note: str = "") -> SupervisionEntry:
    """The supervising unit closes the entry with its evaluation of how it was handled."""
    can_close_supervision(actor).enforce()
    if evaluation not in Evaluation.values:
        raise InvalidInput("请选择督办评价", "Choose an evaluation",
                           fields={"evaluation": [" | ".join(Evaluation.values)]})
    if evaluation == Evaluation.POOR and not note.strip():
        raise InvalidInput("评价为不合格时须说明原因", "Say why the handling was poor",
                           fields={"note": [REQUIRED]})
    wo, entry = _locked_entry(actor, entry_id)
    can_close_supervision(actor, entry).enforce()
    entry.closed_at, entry.closed_by_name = timezone.now(), actor.name
    entry.evaluation, entry.evaluation_note = evaluation, note.strip()
    entry.save(update_fields=["closed_at", "closed_by_name", "evaluation", "evaluation_note"])
    record_event(wo, actor, EventType.SUPERVISION_CLOSED, note=note.strip(),
                 data={"entry": entry.pk, "evaluation": evaluation})
    audit_work_order(wo, actor, AuditAction.SUPERVISION_CLOSED, {"entry": entry.pk,
                                                       "evaluation": evaluation})
    return entry


def remind_supervision(now: datetime, *, batch: int = 500) -> int:
    """Called by the SLA sweep: open entries past their due date get their overdue mark once;
    entries whose progress report is due get one reminder per interval to the work order's
    handler (or owner). Returns how many entries were touched."""
    touched = 0
    with change():
        due = (SupervisionEntry.objects.filter(closed_at__isnull=True)
               .filter(Q(overdue_at__isnull=True, due_at__lte=now)
                       | Q(next_report_due_at__lte=now))
               .order_by("id"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        for entry in due[:batch]:
            wo = WorkOrder.objects.only("id", "number", "owner_id", "handler_id").get(
                pk=entry.work_order_id)
            if entry.overdue_at is None and entry.due_at <= now:
                entry.overdue_at = now
                audit(AuditRecord(SYSTEM, AuditAction.SUPERVISION_OVERDUE, "work_order",
                                  wo.pk, {"entry": entry.pk}))
            if entry.next_report_due_at is not None and entry.next_report_due_at <= now:
                entry.last_reminded_at = now
                entry.next_report_due_at = now + timedelta(hours=entry.report_every_hours)
                tell_staff(wo.handler_id or wo.owner_id, "supervision_reminder", wo,
                            due=f"{entry.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
            entry.save(update_fields=["overdue_at", "last_reminded_at", "next_report_due_at"])
            touched += 1
    return touched


SUPERVISION_DAYS = 2  # working days the superior unit gives to answer a breach (SPEC §15)


def open_breach_supervision(breaches: list[Breach], now: datetime) -> None:
    """Called by the sweep, in its batch's transaction: each breached work order is supervised
    by the unit it moved to, due in working days; one open breach entry per work order."""
    open_already = set(SupervisionEntry.objects.filter(
        work_order__in=[b.work_order_id for b in breaches],
        reason=SupervisionReason.SLA_BREACH, closed_at__isnull=True,
    ).values_list("work_order_id", flat=True))
    due = current_calendar().add_working_days(now, SUPERVISION_DAYS).at
    insert_rows(SupervisionEntry, [{
        "work_order_id": b.work_order_id, "supervising_unit_id": b.unit_id,
        "reason": SupervisionReason.SLA_BREACH, "detail": ", ".join(b.clock_labels),
        "due_at": due, "opened_at": now, "supervisor_name": "system",
        "next_report_due_at": now + timedelta(hours=24),
    } for b in breaches if b.work_order_id not in open_already])
