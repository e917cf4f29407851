"""The supervision ledger (督办台账, 001 §3.4.4)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.db import insert_rows
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.escalation.models import (
    REPORT_EVERY_WORKING_DAYS,
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
from kefu.escalation.queries import duty_supervisors
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

MAX_REPORT_INTERVAL = 10  # working days


def _next_report(after: datetime, working_days: int) -> datetime:
    """24:00 of the working day a report is due, `working_days` after `after`."""
    return current_calendar().add_working_days(after, working_days).at


@work_order_change
def open_supervision(*, actor: Actor, work_order_id: int, detail: str, working_days: int,
                     report_every_working_days: int = REPORT_EVERY_WORKING_DAYS,
                     ) -> SupervisionEntry:
    """A supervisor puts a work order under supervision by their own unit."""
    wo = lock_work_order(actor, work_order_id)
    can_supervise(actor, wo).enforce()
    assert actor.unit_id is not None  # can_supervise refuses an actor without a unit
    errors: dict[str, list[str]] = {}
    if not detail.strip():
        errors["detail"] = [REQUIRED]
    if not 1 <= working_days <= 30:
        errors["working_days"] = ["1–30"]
    if not 1 <= report_every_working_days <= MAX_REPORT_INTERVAL:
        errors["report_every_working_days"] = [f"1–{MAX_REPORT_INTERVAL}"]
    if errors:
        raise InvalidInput("督办信息有误", "The supervision entry is invalid", fields=errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = SupervisionEntry.objects.create(
                work_order=wo, supervising_unit_id=actor.unit_id,
                reason=SupervisionReason.MANUAL, detail=detail.strip()[:200],
                due_at=current_calendar().add_working_days(now, working_days).at,
                opened_at=now, supervisor_id=actor.staff_id, supervisor_name=actor.name,
                report_every_working_days=report_every_working_days,
                next_report_due_at=_next_report(now, report_every_working_days))
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
    unit_id = superior or wo.unit_id
    entry = SupervisionEntry.objects.create(
        work_order=wo, supervising_unit_id=unit_id,
        reason=SupervisionReason.MAJOR_SEVERITY, detail=str(Severity(wo.severity).label),
        due_at=due, opened_at=now, **_supervisors({unit_id})[unit_id],
        next_report_due_at=_next_report(now, REPORT_EVERY_WORKING_DAYS))
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
    entry.next_report_due_at = _next_report(now, entry.report_every_working_days)
    entry.report_overdue_at = None
    entry.save(update_fields=["next_report_due_at", "report_overdue_at"])
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
    """Called by the SLA sweep: open entries past their due date get their overdue mark once.
    A progress report that fell due unwritten is marked on the ledger and counted, the
    supervisor is told (001 §3.4.4) and the work order's handler (or owner) reminded; the
    next report falls due one interval later. Returns how many entries were touched."""
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
                _missed_report(entry, wo, now)
            entry.save(update_fields=["overdue_at", "last_reminded_at", "next_report_due_at",
                                      "report_overdue_at", "missed_reports"])
            touched += 1
    return touched


def _missed_report(entry: SupervisionEntry, wo: WorkOrder, now: datetime) -> None:
    missed = entry.next_report_due_at
    assert missed is not None
    entry.report_overdue_at = entry.report_overdue_at or now
    entry.missed_reports += 1
    entry.last_reminded_at = now
    entry.next_report_due_at = _next_report(now, entry.report_every_working_days)
    audit(AuditRecord(SYSTEM, AuditAction.SUPERVISION_REPORT_MISSED, "work_order", wo.pk,
                      {"entry": entry.pk, "due": missed.isoformat(),
                       "missed": entry.missed_reports}))
    local = f"{missed.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    tell_staff(entry.supervisor_id, "supervision_report_missed", wo, missed=local,
               count=str(entry.missed_reports),
               next=f"{entry.next_report_due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    tell_staff(wo.handler_id or wo.owner_id, "supervision_reminder", wo,
               due=f"{entry.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")


def _supervisors(unit_ids: set[int]) -> dict[int, dict[str, object]]:
    """Each unit's named supervisor for its entries; a unit with nobody to name keeps its own
    name there, so the ledger shows who is answerable rather than "system"."""
    people = duty_supervisors(unit_ids)
    names = dict(OrgUnit.objects.filter(pk__in=unit_ids - set(people))
                 .values_list("id", "name"))
    return {unit_id: {"supervisor_id": people[unit_id].pk,
                      "supervisor_name": people[unit_id].display_name}
            if unit_id in people else {"supervisor_id": None, "supervisor_name": names[unit_id]}
            for unit_id in unit_ids}


SUPERVISION_DAYS = 2  # working days the superior unit gives to answer a breach (SPEC §15)


def open_breach_supervision(breaches: list[Breach], now: datetime) -> None:
    """Called by the sweep, in its batch's transaction: each breached work order is supervised
    by the unit it moved to, due in working days; one open breach entry per work order."""
    open_already = set(SupervisionEntry.objects.filter(
        work_order__in=[b.work_order_id for b in breaches],
        reason=SupervisionReason.SLA_BREACH, closed_at__isnull=True,
    ).values_list("work_order_id", flat=True))
    calendar = current_calendar()
    due = calendar.add_working_days(now, SUPERVISION_DAYS).at
    next_report = calendar.add_working_days(now, REPORT_EVERY_WORKING_DAYS).at
    opening = [b for b in breaches if b.work_order_id not in open_already]
    people = _supervisors({b.unit_id for b in opening})
    insert_rows(SupervisionEntry, [{
        "work_order_id": b.work_order_id, "supervising_unit_id": b.unit_id,
        "reason": SupervisionReason.SLA_BREACH, "detail": ", ".join(b.clock_labels),
        "due_at": due, "opened_at": now, **people[b.unit_id],
        "report_every_working_days": REPORT_EVERY_WORKING_DAYS,
        "next_report_due_at": next_report,
        "report_overdue_at": None, "missed_reports": 0,
    } for b in opening])
