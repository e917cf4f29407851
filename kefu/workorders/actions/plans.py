"""Handling plans (001 §3.3.2): compensation, repair, reschedule, written explanation; a
compensation above the configured amount waits for the approver's decision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.workorders.choices import (
    ApprovalStatus,
    CompensationType,
    EventType,
    PlanType,
    WorkOrderStatus,
)
from kefu.workorders.inputs import PlanInput
from kefu.workorders.models import CompensationApprovalRule, HandlingPlan, WorkOrder
from kefu.workorders.permissions import can_decide_plan
from kefu.workorders.steps import (
    audit_work_order,
    choice,
    lock_with_work_order,
    lock_work_order,
    record_event,
    touch,
    work_order_change,
)

S = WorkOrderStatus


def add_plan(wo: WorkOrder, actor: Actor, plan: PlanInput) -> HandlingPlan:
    choice(plan.plan_type, PlanType, "plan_type")
    amount = Decimal("0")
    approval, approver = ApprovalStatus.NOT_NEEDED, ""
    if plan.plan_type == PlanType.COMPENSATION:
        choice(plan.compensation_type, CompensationType, "compensation_type")
        try:
            amount = Decimal(str(plan.amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput("补偿金额无效", "Invalid amount",
                               fields={"amount": ["须为金额 / must be an amount"]}) from None
        if amount <= 0 or amount > Decimal("100000"):
            raise InvalidInput("补偿金额须在0到100000元之间",
                               "Amount must be between 0 and 100,000",
                               fields={"amount": ["超出范围 / out of range"]})
        rule = (CompensationApprovalRule.objects.filter(amount_above__lt=amount)
                .order_by("-amount_above").first())
        if rule is not None:
            approval, approver = ApprovalStatus.PENDING, rule.approver_role
    created = HandlingPlan.objects.create(
        work_order=wo, plan_type=plan.plan_type, description=plan.description.strip(),
        compensation_type=plan.compensation_type if plan.plan_type == PlanType.COMPENSATION
        else "",
        amount=amount, approval_status=approval, approver_role=approver,
        created_at=timezone.now(), created_by_name=actor.name, created_by_user_id=actor.user_id,
    )
    record_event(wo, actor, EventType.PLAN_ADDED, note=created.description,
           data={"plan_id": created.pk, "plan_type": created.plan_type,
                 "amount": str(amount), "approval": approval, "approver_role": approver})
    return created


@work_order_change
def decide_handling_plan(
    *, actor: Actor, plan_id: int, is_approved: bool, note: str = "",
) -> HandlingPlan:
    """Approve or reject a compensation that needs it; never one's own plan."""
    wo, plan = lock_with_work_order(actor, HandlingPlan, plan_id,
                                    NotFound("方案不存在", "No such plan"))
    can_decide_plan(actor, plan).enforce()
    if not is_approved and not note.strip():
        raise InvalidInput("驳回须说明原因", "Give the reason for rejecting",
                           fields={"note": [REQUIRED]})
    plan.approval_status = ApprovalStatus.APPROVED if is_approved else ApprovalStatus.REJECTED
    plan.decided_by_name, plan.decided_at = actor.name, timezone.now()
    plan.decision_note = note.strip()
    plan.save(update_fields=["approval_status", "decided_by_name", "decided_at", "decision_note"])
    touch(wo)
    kind = EventType.PLAN_APPROVED if is_approved else EventType.PLAN_REJECTED
    record_event(wo, actor, kind, note=note.strip(), data={"plan_id": plan.pk,
                                                      "amount": str(plan.amount)})
    audit_work_order(wo, actor,
                     AuditAction.PLAN_APPROVED if is_approved else AuditAction.PLAN_REJECTED,
                     {"plan_id": plan.pk, "amount": str(plan.amount)})
    return plan


@work_order_change
def add_handling_plan(
    *, actor: Actor, work_order_id: int, plan: PlanInput, expected_version: int | None = None,
) -> HandlingPlan:
    """Another plan while processing (e.g. after a rejected compensation)."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    if wo.status != S.PROCESSING:
        raise Conflict("只有处理中的工单可以添加方案", "Plans are added while processing")
    if not plan.description.strip():
        raise InvalidInput("请填写方案说明", "Describe the plan",
                           fields={"plan_description": [REQUIRED]})
    created = add_plan(wo, actor, plan)
    touch(wo)
    audit_work_order(wo, actor, AuditAction.PLAN_ADDED,
                     {"plan_id": created.pk, "amount": str(created.amount)})
    return created
