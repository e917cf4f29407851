"""Escalation requests and co-handling sub-tasks (001 §3.4.2–3.4.3)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kefu.api.auth import actor_of
from kefu.api.schemas import PlanDecisionIn
from kefu.escalation.actions import (
    EscalationApplication,
    assign_subtask,
    complete_subtask,
    decide_escalation,
)
from kefu.escalation.models import CoHandlingTask, EscalationRequest

router = Router()


class EscalationRequestIn(Schema):
    condition: str = Field(description="major_failure | policy_change | multi_department | "
                                       "sla_breach")
    reason: str = Field(max_length=2000)
    tier: int | None = Field(None, description="the tier asked for: 2 province, 1 HQ")
    department_ids: list[int] = Field(default_factory=list,
                                      description="departments to co-handle, one sub-task each")
    working_days: int = Field(3, description="each sub-task's time limit, 1–15 working days")

    def application(self) -> EscalationApplication:
        return EscalationApplication(condition=self.condition, reason=self.reason,
                                     tier=self.tier, department_ids=tuple(self.department_ids),
                                     working_days=self.working_days)


class EscalationRequestOut(Schema):
    id: int
    work_order_id: int
    condition: str
    reason: str
    target_tier: int | None
    working_days: int
    status: str
    requested_by_name: str
    requested_at: datetime
    decided_by_name: str
    decided_at: datetime | None
    decision_note: str


class SubtaskOut(Schema):
    id: int
    work_order_id: int
    department_id: int
    department: str = Field(alias="department.name")
    handler_id: int | None
    status: str
    due_at: datetime
    breached_at: datetime | None
    result: str
    completed_at: datetime | None


class SubtaskAssignIn(Schema):
    handler_id: int


class SubtaskResultIn(Schema):
    result: str = Field(max_length=4000)


@router.post("/escalation-requests/{request_id}/decision", response=EscalationRequestOut,
             summary="Approve (tier moves, sub-tasks open) or reject an escalation request")
def decision(request: HttpRequest, request_id: int,
             payload: PlanDecisionIn) -> EscalationRequest:
    return decide_escalation(actor=actor_of(request), request_id=request_id,
                             is_approved=payload.is_approved, note=payload.note)


@router.post("/subtasks/{task_id}/assign", response=SubtaskOut,
             summary="Give a co-handling sub-task to someone of its department")
def assign(request: HttpRequest, task_id: int, payload: SubtaskAssignIn) -> CoHandlingTask:
    return assign_subtask(actor=actor_of(request), task_id=task_id, handler_id=payload.handler_id)


@router.post("/subtasks/{task_id}/complete", response=SubtaskOut,
             summary="Record a department's result for its sub-task")
def complete(request: HttpRequest, task_id: int, payload: SubtaskResultIn) -> CoHandlingTask:
    return complete_subtask(actor=actor_of(request), task_id=task_id, result=payload.result)
