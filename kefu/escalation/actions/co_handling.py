"""Escalation requests and co-handling sub-tasks (001 §3.4.2–3.4.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.escalation.models import (
    CoHandlingTask,
    EscalationCondition,
    EscalationRequest,
    RequestStatus,
    SubtaskStatus,
)
from kefu.escalation.permissions import (
    can_assign_subtask,
    can_complete_subtask,
    can_decide_escalation,
    can_request_escalation,
)
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.models import Department, Staff
from kefu.sla.calendar import SHANGHAI
from kefu.sla.choices import ClockState
from kefu.sla.queries import current_calendar
from kefu.workorders.choices import (
    EventType,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.steps import (
    audit,
    audit_work_order,
    change,
    lock_with_work_order,
    lock_work_order,
    move_to_tier,
    record_event,
    tell_staff,
    touch,
    work_order_change,
)

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


@work_order_change
def request_escalation(*, actor: Actor, work_order_id: int,
                       application: EscalationApplication) -> EscalationRequest:
    """Apply to escalate, with the condition met, the reason, the tier asked for and the
    departments whose co-handling is needed."""
    wo = lock_work_order(actor, work_order_id)
    can_request_escalation(actor, wo).enforce()
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
        requested_by_user_id=actor.user_id, requested_by_staff_id=actor.staff_id,
        applying_unit_id=actor.unit_id or wo.unit_id)
    request.departments.set(departments)
    touch(wo)
    record_event(wo, actor, EventType.ESCALATION_REQUESTED, note=request.reason,
                 data={"request": request.pk, "condition": request.condition,
                       "tier": request.target_tier,
                       "departments": [d.name for d in departments]})
    audit_work_order(wo, actor, AuditAction.ESCALATION_REQUESTED,
                     {"request": request.pk, "condition": request.condition,
                      "tier": request.target_tier, "departments": [d.pk for d in departments]})
    return request


@work_order_change
def decide_escalation(*, actor: Actor, request_id: int, is_approved: bool,
                      note: str = "") -> EscalationRequest:
    """The superior approves (tier and unit move, one sub-task per department) or rejects;
    either way the applicant hears back."""
    can_decide_escalation(actor).enforce()
    wo, request = lock_with_work_order(actor, EscalationRequest, request_id,
                                       NotFound("升级申请不存在", "No such escalation request"))
    if request.status != RequestStatus.PENDING:
        raise Conflict("该申请已审批", "The request was already decided")
    can_decide_escalation(actor, request).enforce()
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
    touch(wo, "is_escalated", "tier", "unit", "handler")
    kind = EventType.ESCALATION_APPROVED if is_approved else EventType.ESCALATION_REJECTED
    record_event(wo, actor, kind, note=note.strip(),
                 data={"request": request.pk, "tier": wo.tier, "subtasks": len(tasks)},
                 is_customer_visible=is_approved)
    audit_work_order(wo, actor, AuditAction.ESCALATION_APPROVED if is_approved
                     else AuditAction.ESCALATION_REJECTED,
                     {"request": request.pk, "tier": wo.tier, "unit": wo.unit_id,
                      "subtasks": [t.department_id for t in tasks]})
    tell_staff(request.requested_by_staff_id, "escalation_decided", wo,
                decision="批准" if is_approved else f"驳回（{note.strip()}）")
    return request


def _locked_task(actor: Actor, task_id: int) -> tuple[WorkOrder, CoHandlingTask]:
    return lock_with_work_order(actor, CoHandlingTask, task_id,
                                NotFound("协办任务不存在", "No such co-handling task"),
                                "department")


@work_order_change
def assign_subtask(*, actor: Actor, task_id: int, handler_id: int) -> CoHandlingTask:
    """A supervisor gives a department's part to one of its people."""
    can_assign_subtask(actor).enforce()
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
    touch(wo)
    record_event(wo, actor, EventType.SUBTASK_ASSIGNED,
                 data={"task": task.pk, "department": task.department.name,
                       "handler": handler.display_name})
    audit_work_order(wo, actor, AuditAction.SUBTASK_ASSIGNED,
                     {"task": task.pk, "handler": handler.pk})
    tell_staff(handler.pk, "subtask_assigned", wo, department=task.department.name,
                due=f"{task.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    return task


@work_order_change
def complete_subtask(*, actor: Actor, task_id: int, result: str) -> CoHandlingTask:
    """The department's result. When the last part is in, the work order's owner and handler
    hear that co-handling is complete."""
    wo, task = _locked_task(actor, task_id)
    if task.status != SubtaskStatus.OPEN:
        raise Conflict("协办任务已完成", "The task is already done")
    can_complete_subtask(actor, task).enforce()
    if not result.strip():
        raise InvalidInput("请填写协办结果", "Record the result", fields={"result": [REQUIRED]})
    now = timezone.now()
    task.status, task.result = SubtaskStatus.DONE, result.strip()
    task.completed_at, task.completed_by_name = now, actor.name
    task.save(update_fields=["status", "result", "completed_at", "completed_by_name"])
    touch(wo)
    late = task.breached_at is not None or task.due_at < now
    record_event(wo, actor, EventType.SUBTASK_DONE, note=task.result,
                 data={"task": task.pk, "department": task.department.name, "late": late})
    audit_work_order(wo, actor, AuditAction.SUBTASK_DONE, {"task": task.pk, "late": late})
    if not wo.subtasks.filter(status=SubtaskStatus.OPEN).exists():
        record_event(wo, actor, EventType.CO_HANDLING_DONE,
                     data={"request": task.request_id})
        for staff_id in {wo.owner_id, wo.handler_id} - {None}:
            tell_staff(staff_id, "co_handling_done", wo)
    return task


def mark_overdue_subtasks(now: datetime, *, batch: int = 500) -> int:
    """Called by the SLA sweep: open co-handling tasks past their deadline are marked once,
    on the work order's timeline, with the department's handler (or the work order's owner)
    told. Returns how many were marked."""
    marked = 0
    while True:
        with change():
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
                audit(AuditRecord(SYSTEM, AuditAction.SUBTASK_OVERDUE, "work_order", wo.pk,
                                  {"task": task.pk}))
                tell_staff(task.handler_id or wo.owner_id, "subtask_overdue", wo,
                            department=task.department.name,
                            due=f"{task.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
        marked += len(tasks)
        if len(tasks) < batch:
            return marked
