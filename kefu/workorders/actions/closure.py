"""How a work order ends, and how it comes back: closure on the customer's confirmation or
without an answer, reopening, rejection, withdrawal, merging into another, and the archive
with its review of the record content (001 §3.5, §4.4.1)."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from kefu.errors import REQUIRED, Conflict, InvalidInput, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.workorders import reactions
from kefu.workorders.choices import (
    OPEN_STATUSES,
    EventType,
    RejectReason,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.errors import MissingFields
from kefu.workorders.inputs import (
    ArchiveInput,
    CloseInput,
    MergeInput,
    RejectInput,
    ReopenInput,
    WithdrawInput,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.numbering import allocate_archive_number
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import (
    lock_for_move,
    lock_work_order,
    move,
    record_event,
    reopen_locked,
    require,
    tell_customer,
    work_order_change,
)
from kefu.workorders.transitions import performs

S = WorkOrderStatus


@performs("close")
@work_order_change
def close_work_order(
    *, actor: Actor, work_order_id: int, inputs: CloseInput, is_auto_close: bool = False,
    expected_version: int | None = None,
) -> WorkOrder:
    """Close on the customer's confirmation, or automatically when they did not answer."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "close")
    if is_auto_close and not actor.is_system:
        raise PermissionRefused("只有系统可以自动结案", "Only the system closes automatically")
    confirmed = inputs.is_confirmed_by_customer or actor.is_customer
    # A customer confirms by closing, and the system closes a reply nobody answered: either
    # stands in for the box staff must tick.
    require(t, replace(inputs, is_confirmed_by_customer=confirmed or is_auto_close))
    score = inputs.satisfaction_score
    if score is not None and not 1 <= score <= 5:
        raise InvalidInput("满意度须为1到5分", "Satisfaction must be 1 to 5",
                           fields={"satisfaction_score": ["1–5"]})
    how = "auto" if is_auto_close else "customer_confirmed"
    move(wo, actor, t, note=inputs.feedback, changes={
        "closed_at": timezone.now(), "is_confirmed_by_customer": confirmed,
        "satisfaction_score": score, "customer_feedback": inputs.feedback,
        "closing_note": how,
    }, data={"how": how, "satisfaction_score": score})
    last_reply = wo.replies.order_by("-id").first()
    tell_customer(wo, "work_order_closed",
                   result=last_reply.result if last_reply else wo.closing_note)
    return wo


@performs("reopen")
@work_order_change
def reopen_work_order(
    *, actor: Actor, work_order_id: int, inputs: ReopenInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """The customer is not satisfied: handle it further (001 §4.2.1), counted."""
    return reopen_locked(lock_work_order(actor, work_order_id, expected_version), actor,
                         inputs.reason)


@performs("reject")
@work_order_change
def reject_work_order(
    *, actor: Actor, work_order_id: int, inputs: RejectInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Not accepted: a duplicate, invalid or out of scope, with the reason."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "reject")
    require(t, inputs)
    move(wo, actor, t, note=inputs.note, changes={"reject_reason": inputs.reject_reason},
          data={"reject_reason": inputs.reject_reason})
    tell_customer(wo, "work_order_rejected",
                   reason=str(RejectReason(inputs.reject_reason).label))
    return wo


@performs("withdraw")
@work_order_change
def withdraw_work_order(
    *, actor: Actor, work_order_id: int, inputs: WithdrawInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """The customer withdraws (撤诉), and only the customer: in the portal, or on a recorded
    call whose id the agent gives — an agent alone cannot withdraw a customer's matter."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "withdraw")
    portal = actor.is_customer
    require(t, replace(inputs, confirmation_call_id="portal") if portal else inputs)
    confirmation = ({"confirmed_by": "portal"} if portal else
                    {"confirmed_by": "phone", "call_id": inputs.confirmation_call_id})
    move(wo, actor, t, note=inputs.reason, changes={}, data=confirmation)
    tell_customer(wo, "work_order_withdrawn")
    return wo


@performs("merge")
@work_order_change
def merge_work_order(
    *, actor: Actor, work_order_id: int, inputs: MergeInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Merge a duplicate into another open work order of the same customer and kind."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "merge")
    require(t, inputs)
    target = (scoped_work_orders(actor).select_for_update()
              .filter(number=inputs.target_number.upper()).first())
    if target is None:
        raise InvalidInput("目标工单不存在", "No such target work order",
                           fields={"target_number": ["不存在 / unknown"]})
    if target.pk == wo.pk or target.customer_id != wo.customer_id or target.kind != wo.kind:
        raise InvalidInput("只能合并到同一客户、同一类型的其他工单",
                           "Merge only into another work order of the same customer and kind",
                           fields={"target_number": ["不匹配 / mismatch"]})
    if target.status not in OPEN_STATUSES:
        raise InvalidInput("目标工单已结束", "The target work order is not open",
                           fields={"target_number": ["已结束 / not open"]})
    move(wo, actor, t, note=inputs.note, changes={"merged_into": target},
          data={"target": target.number})
    record_event(target, actor, EventType.MERGED_IN, note=inputs.note,
                 data={"source": wo.number})
    return wo


# Required record content of a complaint (001 §4.4.1), checked before archiving.
def missing_record_content(wo: WorkOrder) -> list[str]:
    """Names of the required record items this work order lacks."""
    held = reactions.record_content_held(wo)
    checks = {
        "received_at": bool(wo.received_at), "content": bool(wo.content),
        "category": wo.category_id is not None, "customer_name": bool(wo.contact_name),
        "contact": bool(wo.contact_phone), "address": bool(wo.customer.address),
        "handler": wo.handler_id is not None, "owner": wo.owner_id is not None,
        "process_and_result": wo.replies.exists(),
        "handled_at": bool(wo.processing_started_at or wo.replied_at),
        "closed_at": bool(wo.closed_at),
        # The customer's own word: their confirmation or comment at closure, or an answer to
        # the survey or the return visit afterwards. An unanswered auto-closure has none.
        "customer_feedback": wo.is_confirmed_by_customer or bool(wo.customer_feedback.strip())
        or "customer_feedback" in held,
    }
    if wo.kind in (WorkOrderKind.COMPLAINT, WorkOrderKind.APPEAL):
        checks["findings"] = bool(wo.findings)
        checks["satisfaction_score"] = (wo.satisfaction_score is not None
                                        or "satisfaction_score" in held)
    return [name for name, present in checks.items() if not present]


@performs("archive")
@work_order_change
def archive_work_order(
    *, actor: Actor, work_order_id: int, inputs: ArchiveInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Archive after review of the record content (001 §3.5.3); an archived record is final."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "archive")
    require(t, inputs)
    if wo.status == S.CLOSED and (missing := missing_record_content(wo)):
        raise MissingFields("档案内容不完整，不能归档", "Record content is incomplete",
                            fields={name: [REQUIRED] for name in missing},
                            detail={"missing": missing})
    if wo.archive_number:
        raise Conflict("该工单已有档案号", "The work order already has an archive number")
    now = timezone.now()
    archive_number = allocate_archive_number(now)
    move(wo, actor, t, changes={"archived_at": now, "archive_number": archive_number},
          data={"archive_number": archive_number})
    return wo
