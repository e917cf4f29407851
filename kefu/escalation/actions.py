"""Changes for escalation and appeals. An appeal (申诉) is a new work order about a closed
complaint, handled one tier higher on its own clocks; a regulator's deadline caps them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.escalation.models import (
    Appeal,
    AppealSource,
    CoHandlingTask,
    EscalationCondition,
    EscalationRequest,
    Evaluation,
    Regulator,
    RequestStatus,
    SubtaskStatus,
    SupervisionEntry,
    SupervisionReason,
    SupervisionReport,
)
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.choices import Role
from kefu.orgs.models import Department, OrgUnit, Staff
from kefu.orgs.queries import unit_for_tier
from kefu.sla import clocks
from kefu.sla.calendar import SHANGHAI
from kefu.sla.choices import ClockState
from kefu.sla.queries import current_calendar
from kefu.workorders.actions import (
    audit_work_order,
    lock_work_order,
    move_to_tier,
    record_event,
    tell_customer,
)
from kefu.workorders.choices import (
    OPEN_STATUSES,
    Channel,
    EventType,
    Severity,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.numbering import allocate_number
from kefu.workorders.queries import scoped_work_orders

REQUIRED = "必填 / required"
APPEALABLE_KINDS = frozenset({WorkOrderKind.COMPLAINT, WorkOrderKind.APPEAL})
FINISHED = frozenset({WorkOrderStatus.CLOSED, WorkOrderStatus.ARCHIVED})
# Staff who take an appeal in for a customer or from a regulator.
APPEAL_TAKERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER})
# A regulator's case number: letters, digits and hyphens, with its serial digits.
EXTERNAL_NUMBER = re.compile(r"^(?=(?:[^0-9]*[0-9]){4})[A-Z0-9][A-Z0-9-]{5,31}$")


@dataclass(frozen=True)
class RegulatorCase:
    regulator: str
    external_number: str
    received_at: datetime | None
    deadline: datetime | None

    def cleaned(self, now: datetime) -> RegulatorCase:
        errors: dict[str, list[str]] = {}
        number = self.external_number.strip().upper()
        if self.regulator not in Regulator.values:
            errors["regulator"] = [f"可选 / one of: {', '.join(Regulator.values)}"]
        if not EXTERNAL_NUMBER.match(number):
            errors["external_number"] = [
                "6–32位大写字母、数字或连字符，至少含4位数字，如 GXB-2026-001234 / "
                "6–32 capital letters, digits or hyphens with at least 4 digits, "
                "e.g. GXB-2026-001234"]
        if self.received_at is None:
            errors["external_received_at"] = [REQUIRED]
        elif self.received_at > now + timedelta(minutes=5):
            errors["external_received_at"] = ["不能晚于当前时间 / cannot be in the future"]
        if self.deadline is None:
            errors["external_deadline"] = [REQUIRED]
        elif self.received_at is not None and self.deadline <= self.received_at:
            errors["external_deadline"] = ["须晚于转办日期 / must be after the received date"]
        if errors:
            raise InvalidInput("监管转办信息有误", "The regulator's case is invalid",
                               fields=errors)
        return RegulatorCase(self.regulator, number, self.received_at, self.deadline)


def _original(actor: Actor, original_id: int) -> WorkOrder:
    # Lock the original so two appeals of one complaint are taken in one after the other.
    original = (scoped_work_orders(actor).select_related("unit", "customer")
                .select_for_update(of=("self",)).filter(pk=original_id).first())
    if original is None:
        raise InvalidInput("原工单不存在", "No such work order to appeal",
                           fields={"original_id": ["不存在 / unknown"]})
    if original.kind not in APPEALABLE_KINDS or original.status not in FINISHED:
        raise Conflict("只能对已结案的投诉提出申诉",
                       "Only a closed complaint can be appealed",
                       detail={"status": original.status, "kind": original.kind})
    return original


@transaction.atomic(durable=True)
def open_appeal(*, actor: Actor, original_id: int, reason: str,
                case: RegulatorCase | None = None) -> Appeal:
    """Take in an appeal of a closed complaint: by the customer, by staff for the customer,
    or forwarded by a regulator with its case number, received date and deadline."""
    return take_appeal(actor=actor, original_id=original_id, reason=reason, case=case)


def take_appeal(*, actor: Actor, original_id: int, reason: str,
                case: RegulatorCase | None = None) -> Appeal:
    """The appeal step, for an action already inside its transaction."""
    if not (actor.is_customer or actor.role in APPEAL_TAKERS):
        raise PermissionRefused("您的角色不能受理申诉", "Your role may not take in appeals")
    if case is not None and actor.is_customer:
        raise PermissionRefused("监管转办由客服人员登记", "Staff record a regulator's case")
    if not reason.strip():
        raise InvalidInput("请填写申诉理由", "Give the reason for the appeal",
                           fields={"reason": [REQUIRED]})
    now = timezone.now()
    case = case.cleaned(now) if case is not None else None
    original = _original(actor, original_id)
    tier = max(1, original.tier - 1)
    unit = unit_for_tier(original.unit, tier) or original.unit
    received_at = case.received_at if case and case.received_at else now
    severity = Severity.MAJOR if case else original.severity
    channel = (Channel.REGULATOR if case else Channel.WEB if actor.is_customer
               else Channel.PHONE)
    wo = WorkOrder.objects.create(
        number=None, kind=WorkOrderKind.APPEAL, channel=channel, severity=severity,
        category_id=original.category_id, customer=original.customer,
        contact_name=original.contact_name, contact_phone=original.contact_phone,
        title=f"申诉：{original.title}"[:200], content=reason.strip(), unit=unit, tier=tier,
        owner_id=actor.staff_id, received_at=received_at, is_escalated=True,
        deadline_cap=case.deadline if case else None)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                work_order=wo, original=original, original_number=original.number or "",
                source=AppealSource.REGULATOR if case else AppealSource.CUSTOMER,
                regulator=case.regulator if case else "",
                external_number=case.external_number if case else "",
                external_received_at=case.received_at if case else None,
                external_deadline=case.deadline if case else None,
                reason=reason.strip(), created_at=now)
    except IntegrityError:
        raise Conflict("该监管编号已登记过", "This regulator's case is already recorded",
                       detail={"external_number": case.external_number if case else ""}
                       ) from None
    record_event(wo, actor, EventType.CREATED, is_customer_visible=True,
                 data={"channel": channel, "kind": wo.kind, "appeal_of": original.number,
                       "source": appeal.source, "external_number": appeal.external_number})
    clocks.start_intake_clocks(wo, is_staff=actor.is_staff)
    wo.number = allocate_number(WorkOrderKind.APPEAL, received_at)
    wo.save(update_fields=["number", "next_due_at"])
    tell_customer(wo, "appeal_received", original=original.number)
    record_audit(actor=actor, action="APPEAL_OPENED", object_type="work_order",
                 object_id=wo.pk,
                 data={"number": wo.number, "original": original.number, "tier": tier,
                       "unit": unit.pk, "source": appeal.source,
                       "regulator": appeal.regulator,
                       "external_number": appeal.external_number,
                       "deadline_cap": wo.deadline_cap})
    return appeal


# --- escalation requests and co-handling (001 §3.4.2–3.4.3) ---------------------------------

REQUESTERS = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR})
DECIDERS = frozenset({Role.SUPERVISOR, Role.MANAGER})
MAX_SUBTASK_DAYS = 15


@dataclass(frozen=True)
class EscalationApplication:
    condition: str
    reason: str
    tier: int | None = None
    department_ids: tuple[int, ...] = ()
    working_days: int = 3


def _departments(wo: WorkOrder, ids: tuple[int, ...]) -> list[Department]:
    """Departments of the work order's unit or below it; anything else is refused."""
    found = list(Department.objects.select_related("unit").filter(pk__in=set(ids)))
    if len(found) != len(set(ids)) or any(
            not d.unit.path.startswith(wo.unit.path) for d in found):
        raise InvalidInput("协办部门须属于工单责任单位或其下级单位",
                           "Co-handling departments must belong to the work order's unit",
                           fields={"department_ids": ["范围外 / outside the unit"]})
    return found


@transaction.atomic(durable=True)
def request_escalation(*, actor: Actor, work_order_id: int,
                       application: EscalationApplication) -> EscalationRequest:
    """Apply to escalate, with the condition met, the reason, the tier asked for and the
    departments whose co-handling is needed."""
    if actor.role not in REQUESTERS:
        raise PermissionRefused("您的角色不能申请升级", "Your role may not apply to escalate")
    wo = lock_work_order(actor, work_order_id, None)
    if wo.status not in OPEN_STATUSES:
        raise Conflict("已结束的工单不能升级", "A finished work order cannot be escalated")
    errors: dict[str, list[str]] = {}
    if application.condition not in EscalationCondition.values:
        errors["condition"] = [f"可选 / one of: {', '.join(EscalationCondition.values)}"]
    if not application.reason.strip():
        errors["reason"] = [REQUIRED]
    if application.tier is not None and (application.tier not in (1, 2, 3)
                                         or application.tier >= wo.tier):
        errors["tier"] = [f"须为高于当前（{wo.tier}）的级别 / a tier above {wo.tier}"]
    if (application.condition == EscalationCondition.MULTI_DEPARTMENT
            and len(set(application.department_ids)) < 2):
        errors["department_ids"] = ["至少两个部门 / at least two departments"]
    if not 1 <= application.working_days <= MAX_SUBTASK_DAYS:
        errors["working_days"] = [f"1–{MAX_SUBTASK_DAYS}"]
    if errors:
        raise InvalidInput("升级申请有误", "The escalation request is invalid", fields=errors)
    if application.condition == EscalationCondition.SLA_BREACH and not wo.clocks.filter(
            state=ClockState.BREACHED).exists():
        raise InvalidInput("该工单没有超时的时限", "No time limit of this work order has passed",
                           fields={"condition": ["未超时 / not breached"]})
    departments = _departments(wo, application.department_ids)
    if EscalationRequest.objects.filter(work_order=wo, status=RequestStatus.PENDING).exists():
        raise Conflict("该工单已有待审批的升级申请",
                       "This work order already has a request awaiting approval")
    request = EscalationRequest.objects.create(
        work_order=wo, condition=application.condition, reason=application.reason.strip(),
        target_tier=application.tier, working_days=application.working_days,
        requested_at=timezone.now(), requested_by_name=actor.name,
        requested_by_user_id=actor.user_id, requested_by_staff_id=actor.staff_id)
    request.departments.set(departments)
    _touch(wo)
    record_event(wo, actor, EventType.ESCALATION_REQUESTED, note=request.reason,
                 data={"request": request.pk, "condition": request.condition,
                       "tier": request.target_tier,
                       "departments": [d.name for d in departments]})
    audit_work_order(wo, actor, "ESCALATION_REQUESTED",
                     {"request": request.pk, "condition": request.condition,
                      "tier": request.target_tier, "departments": [d.pk for d in departments]})
    return request


def _touch(wo: WorkOrder) -> None:
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])


@transaction.atomic(durable=True)
def decide_escalation(*, actor: Actor, request_id: int, is_approved: bool,
                      note: str = "") -> EscalationRequest:
    """The superior approves (tier and unit move, one sub-task per department) or rejects;
    either way the applicant hears back."""
    if actor.role not in DECIDERS:
        raise PermissionRefused("只有主管或管理层可以审批升级",
                                "Only supervisors or managers decide on escalation")
    found = EscalationRequest.objects.filter(pk=request_id).values_list(
        "work_order_id", flat=True).first()
    if found is None:
        raise NotFound("升级申请不存在", "No such escalation request")
    wo = lock_work_order(actor, found, None)
    request = EscalationRequest.objects.select_for_update().get(pk=request_id)
    if request.status != RequestStatus.PENDING:
        raise Conflict("该申请已审批", "The request was already decided")
    if request.requested_by_user_id is not None and request.requested_by_user_id == actor.user_id:
        raise PermissionRefused("不能审批自己的升级申请", "You cannot decide your own request")
    if not is_approved and not note.strip():
        raise InvalidInput("驳回须说明原因", "Give the reason for rejecting",
                           fields={"note": [REQUIRED]})
    now = timezone.now()
    request.status = RequestStatus.APPROVED if is_approved else RequestStatus.REJECTED
    request.decided_at, request.decided_by_name = now, actor.name
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_at", "decided_by_name", "decision_note"])
    tasks: list[CoHandlingTask] = []
    if is_approved:
        if request.target_tier is not None and request.target_tier < wo.tier:
            move_to_tier(wo, request.target_tier)
        wo.is_escalated = True
        due = current_calendar().add_working_days(now, request.working_days).at
        tasks = CoHandlingTask.objects.bulk_create([
            CoHandlingTask(work_order=wo, request=request, department=d, due_at=due,
                           created_at=now)
            for d in request.departments.all()])
    wo.version += 1
    wo.save(update_fields=["is_escalated", "tier", "unit", "handler", "version",
                           "updated_at"])
    kind = EventType.ESCALATION_APPROVED if is_approved else EventType.ESCALATION_REJECTED
    record_event(wo, actor, kind, note=note.strip(),
                 data={"request": request.pk, "tier": wo.tier, "subtasks": len(tasks)},
                 is_customer_visible=is_approved)
    audit_work_order(wo, actor, f"ESCALATION_{request.status.upper()}",
                     {"request": request.pk, "tier": wo.tier, "unit": wo.unit_id,
                      "subtasks": [t.department_id for t in tasks]})
    _tell_staff(request.requested_by_staff_id, "escalation_decided", wo,
                decision="批准" if is_approved else f"驳回（{note.strip()}）")
    return request


def _tell_staff(staff_id: int | None, template: str, wo: WorkOrder, **context: str) -> None:
    """An e-mail to a member of staff about a work order, when they have an address."""
    email = (Staff.objects.filter(pk=staff_id).values_list("user__email", flat=True).first()
             if staff_id else None)
    if email:
        enqueue_message(channel=MessageChannel.EMAIL, recipient=email, template=template,
                        context={"number": wo.number, **context}, work_order_id=wo.pk)


def _locked_task(actor: Actor, task_id: int) -> tuple[WorkOrder, CoHandlingTask]:
    parent = CoHandlingTask.objects.filter(pk=task_id).values_list(
        "work_order_id", flat=True).first()
    if parent is None:
        raise NotFound("协办任务不存在", "No such co-handling task")
    wo = lock_work_order(actor, parent, None)
    task = CoHandlingTask.objects.select_for_update().select_related("department").get(
        pk=task_id)
    return wo, task


@transaction.atomic(durable=True)
def assign_subtask(*, actor: Actor, task_id: int, handler_id: int) -> CoHandlingTask:
    """A supervisor gives a department's part to one of its people."""
    if actor.role not in DECIDERS:
        raise PermissionRefused("只有主管或管理层可以分派协办任务",
                                "Only supervisors or managers assign co-handling tasks")
    wo, task = _locked_task(actor, task_id)
    if task.status != SubtaskStatus.OPEN:
        raise Conflict("协办任务已完成", "The task is already done")
    handler = Staff.objects.filter(pk=handler_id, department_id=task.department_id).first()
    if handler is None:
        raise InvalidInput("协办人须属于该协办部门",
                           "The handler must work in the task's department",
                           fields={"handler_id": ["不在该部门 / not in the department"]})
    task.handler = handler
    task.save(update_fields=["handler"])
    _touch(wo)
    record_event(wo, actor, EventType.SUBTASK_ASSIGNED,
                 data={"task": task.pk, "department": task.department.name,
                       "handler": handler.display_name})
    audit_work_order(wo, actor, "SUBTASK_ASSIGNED", {"task": task.pk, "handler": handler.pk})
    _tell_staff(handler.pk, "subtask_assigned", wo, department=task.department.name,
                due=f"{task.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    return task


@transaction.atomic(durable=True)
def complete_subtask(*, actor: Actor, task_id: int, result: str) -> CoHandlingTask:
    """The department's result. When the last part is in, the work order's owner and handler
    hear that co-handling is complete."""
    wo, task = _locked_task(actor, task_id)
    if task.status != SubtaskStatus.OPEN:
        raise Conflict("协办任务已完成", "The task is already done")
    if actor.staff_id != task.handler_id and actor.role not in DECIDERS:
        raise PermissionRefused("只有协办人或主管可以提交协办结果",
                                "Only the task's handler or a supervisor records its result")
    if not result.strip():
        raise InvalidInput("请填写协办结果", "Record the result", fields={"result": [REQUIRED]})
    now = timezone.now()
    task.status, task.result = SubtaskStatus.DONE, result.strip()
    task.completed_at, task.completed_by_name = now, actor.name
    task.save(update_fields=["status", "result", "completed_at", "completed_by_name"])
    _touch(wo)
    late = task.breached_at is not None or task.due_at < now
    record_event(wo, actor, EventType.SUBTASK_DONE, note=task.result,
                 data={"task": task.pk, "department": task.department.name, "late": late})
    audit_work_order(wo, actor, "SUBTASK_DONE", {"task": task.pk, "late": late})
    if not wo.subtasks.filter(status=SubtaskStatus.OPEN).exists():
        record_event(wo, actor, EventType.CO_HANDLING_DONE,
                     data={"request": task.request_id})
        for staff_id in {wo.owner_id, wo.handler_id} - {None}:
            _tell_staff(staff_id, "co_handling_done", wo)
    return task


def mark_overdue_subtasks(now: datetime, *, batch: int = 500) -> int:
    """Called by the SLA sweep: open co-handling tasks past their deadline are marked once,
    on the work order's timeline, with the department's handler (or the work order's owner)
    told. Returns how many were marked."""
    marked = 0
    while True:
        with transaction.atomic():
            due = (CoHandlingTask.objects.filter(status=SubtaskStatus.OPEN,
                                                 breached_at__isnull=True, due_at__lte=now)
                   .select_related("department").order_by("due_at"))
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            tasks = list(due[:batch])
            for task in tasks:
                task.breached_at = now
                task.save(update_fields=["breached_at"])
                wo = WorkOrder.objects.only("id", "number", "owner_id").get(pk=task.work_order_id)
                record_event(wo, SYSTEM, EventType.SUBTASK_OVERDUE,
                             data={"task": task.pk, "department": task.department.name,
                                   "due_at": task.due_at.isoformat()})
                record_audit(actor=SYSTEM, action="SUBTASK_OVERDUE", object_type="work_order",
                             object_id=wo.pk, data={"task": task.pk})
                _tell_staff(task.handler_id or wo.owner_id, "subtask_overdue", wo,
                            department=task.department.name,
                            due=f"{task.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        marked += len(tasks)
        if len(tasks) < batch:
            return marked


# --- supervision ledger (督办台账, 001 §3.4.4) ---------------------------------------------

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})
REPORTERS = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.MANAGER})


@transaction.atomic(durable=True)
def open_supervision(*, actor: Actor, work_order_id: int, detail: str, working_days: int,
                     report_every_hours: int = 24) -> SupervisionEntry:
    """A supervisor puts a work order under supervision by their own unit."""
    if actor.role not in SUPERVISORS or actor.unit_id is None:
        raise PermissionRefused("只有主管或管理层可以督办",
                                "Only supervisors or managers supervise")
    errors: dict[str, list[str]] = {}
    if not detail.strip():
        errors["detail"] = [REQUIRED]
    if not 1 <= working_days <= 30:
        errors["working_days"] = ["1–30"]
    if not 1 <= report_every_hours <= 24 * 7:
        errors["report_every_hours"] = ["1–168"]
    if errors:
        raise InvalidInput("督办信息有误", "The supervision entry is invalid", fields=errors)
    wo = lock_work_order(actor, work_order_id, None)
    if wo.status not in OPEN_STATUSES:
        raise Conflict("已结束的工单不能督办", "A finished work order cannot be supervised")
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
    _touch(wo)
    record_event(wo, actor, EventType.SUPERVISION_OPENED, note=entry.detail,
                 data={"entry": entry.pk, "due_at": entry.due_at.isoformat()})
    audit_work_order(wo, actor, "SUPERVISION_OPENED", {"entry": entry.pk})
    for staff_id in {wo.owner_id, wo.handler_id} - {None}:
        _tell_staff(staff_id, "supervision_opened", wo, detail=entry.detail,
                    due=f"{entry.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    return entry


def _locked_entry(actor: Actor, entry_id: int) -> tuple[WorkOrder, SupervisionEntry]:
    parent = SupervisionEntry.objects.filter(pk=entry_id).values_list(
        "work_order_id", flat=True).first()
    if parent is None:
        raise NotFound("督办记录不存在", "No such supervision entry")
    wo = scoped_work_orders(actor).select_for_update().filter(pk=parent).first()
    if wo is None:
        raise NotFound("督办记录不存在", "No such supervision entry")
    entry = SupervisionEntry.objects.select_for_update().get(pk=entry_id)
    if entry.closed_at is not None:
        raise Conflict("督办已结束", "The supervision entry is closed")
    return wo, entry


@transaction.atomic(durable=True)
def report_supervision_progress(*, actor: Actor, entry_id: int,
                                progress: str) -> SupervisionReport:
    """The people on the work order report how it is going; the next report falls due."""
    if actor.role not in REPORTERS:
        raise PermissionRefused("您的角色不能报告督办进展",
                                "Your role may not report on supervision")
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
    record_event(wo, actor, EventType.SUPERVISION_REPORTED, note=report.progress,
                 data={"entry": entry.pk})
    audit_work_order(wo, actor, "SUPERVISION_REPORTED", {"entry": entry.pk})
    return report


@transaction.atomic(durable=True)
def close_supervision(*, actor: Actor, entry_id: int, evaluation: str,
                      note: str = "") -> SupervisionEntry:
    """The supervising unit closes the entry with its evaluation of how it was handled."""
    if actor.role not in SUPERVISORS:
        raise PermissionRefused("只有主管或管理层可以结束督办",
                                "Only supervisors or managers close supervision")
    if evaluation not in Evaluation.values:
        raise InvalidInput("请选择督办评价", "Choose an evaluation",
                           fields={"evaluation": [" | ".join(Evaluation.values)]})
    if evaluation == Evaluation.POOR and not note.strip():
        raise InvalidInput("评价为不合格时须说明原因", "Say why the handling was poor",
                           fields={"note": [REQUIRED]})
    wo, entry = _locked_entry(actor, entry_id)
    unit_path = OrgUnit.objects.values_list("path", flat=True).get(pk=entry.supervising_unit_id)
    if not unit_path.startswith(actor.unit_path):
        raise PermissionRefused("只有督办单位可以结束督办",
                                "Only the supervising unit closes the entry")
    entry.closed_at, entry.closed_by_name = timezone.now(), actor.name
    entry.evaluation, entry.evaluation_note = evaluation, note.strip()
    entry.save(update_fields=["closed_at", "closed_by_name", "evaluation", "evaluation_note"])
    record_event(wo, actor, EventType.SUPERVISION_CLOSED, note=note.strip(),
                 data={"entry": entry.pk, "evaluation": evaluation})
    audit_work_order(wo, actor, "SUPERVISION_CLOSED", {"entry": entry.pk,
                                                       "evaluation": evaluation})
    return entry


def remind_supervision(now: datetime, *, batch: int = 500) -> int:
    """Called by the SLA sweep: open entries past their due date get their overdue mark once;
    entries whose progress report is due get one reminder per interval to the work order's
    handler (or owner). Returns how many entries were touched."""
    touched = 0
    with transaction.atomic():
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
                record_audit(actor=SYSTEM, action="SUPERVISION_OVERDUE",
                             object_type="work_order", object_id=wo.pk,
                             data={"entry": entry.pk})
            if entry.next_report_due_at is not None and entry.next_report_due_at <= now:
                entry.last_reminded_at = now
                entry.next_report_due_at = now + timedelta(hours=entry.report_every_hours)
                _tell_staff(wo.handler_id or wo.owner_id, "supervision_reminder", wo,
                            due=f"{entry.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
            entry.save(update_fields=["overdue_at", "last_reminded_at", "next_report_due_at"])
            touched += 1
    return touched
