"""The lifecycle's forward moves (SPEC §3): classify, investigate, handle, wait for the
customer and resume, answer and reply. Closing and the side paths are in `closure`.

Each takes its transition's input (`kefu.workorders.inputs`), checked against the input's
spec by `require` before anything else is read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.errors import Conflict
from kefu.orgs.actors import Actor
from kefu.workorders.actions.plans import add_plan
from kefu.workorders.actions.values import active_category, allowed_severity, staff_in_scope
from kefu.workorders.choices import ApprovalStatus, WorkOrderStatus
from kefu.workorders.inputs import (
    AnswerInput,
    BeginHandlingInput,
    ClassifyInput,
    CompleteHandlingInput,
    HandleAgainInput,
    ReplyInput,
    RequestInfoInput,
    ResumeInput,
    StartInvestigationInput,
    StartProcessingInput,
)
from kefu.workorders.models import Reply, WorkOrder
from kefu.workorders.steps import (
    lock_for_move,
    move,
    require,
    tell_customer,
    work_order_change,
)
from kefu.workorders.transitions import performs

S = WorkOrderStatus


@performs("classify")
@work_order_change
def classify_work_order(
    *, actor: Actor, work_order_id: int, inputs: ClassifyInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Set category and severity (001 §3.1.2, §4.2.2), optionally the handler."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "classify")
    require(t, inputs)
    category = active_category(inputs.category_id)
    changes: dict[str, Any] = {
        "category": category, "severity": allowed_severity(actor, inputs.severity),
        "classified_at": timezone.now(),
    }
    if inputs.handler_id is not None:
        changes["handler"] = staff_in_scope(actor, inputs.handler_id, wo.unit)
    move(wo, actor, t, changes=changes, note=inputs.note,
          data={"category": inputs.category_id, "severity": inputs.severity,
                "handler": inputs.handler_id})
    return wo


@performs("answer")
@work_order_change
def answer_consultation(
    *, actor: Actor, work_order_id: int, inputs: AnswerInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Answer a consultation directly (001 §2.2)."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "answer")
    require(t, inputs)
    now = timezone.now()
    Reply.objects.create(work_order=wo, result=inputs.result, process_summary="",
                         measures="", cause_analysis="", channel=inputs.reply_channel,
                         replied_at=now, replied_by_name=actor.name)
    move(wo, actor, t, changes={"replied_at": now}, note=inputs.note,
          data={"result": inputs.result, "reply_channel": inputs.reply_channel})
    tell_customer(wo, "reply_sent", result=inputs.result)
    return wo


@performs("start_investigation")
@work_order_change
def start_investigation(
    *, actor: Actor, work_order_id: int, inputs: StartInvestigationInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Begin verifying the facts (001 §3.2.2); the actor becomes handler if there is none."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "start_investigation")
    require(t, inputs)
    methods = list(dict.fromkeys(inputs.investigation_methods))
    changes: dict[str, Any] = {"investigation_methods": methods,
                               "investigation_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    move(wo, actor, t, changes=changes, note=inputs.note, data={"methods": methods})
    return wo


@performs("start_processing")
@work_order_change
def start_processing(
    *, actor: Actor, work_order_id: int, inputs: StartProcessingInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Record the findings and the responsible party (001 §3.2.5) and adopt a plan."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "start_processing")
    require(t, inputs)
    created = add_plan(wo, actor, inputs.plan)
    move(wo, actor, t, note=inputs.note, changes={
        "findings": inputs.findings, "evidence_summary": inputs.evidence_summary,
        "responsible_party": inputs.responsible_party, "processing_started_at": timezone.now(),
    }, data={"responsible_party": inputs.responsible_party, "plan_id": created.pk})
    return wo


@performs("begin_handling")
@work_order_change
def begin_handling(
    *, actor: Actor, work_order_id: int, inputs: BeginHandlingInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Start carrying out a service request, appointment or repair."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "begin_handling")
    require(t, inputs)
    created = add_plan(wo, actor, inputs.plan)
    changes: dict[str, Any] = {"processing_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    move(wo, actor, t, changes=changes, note=inputs.note, data={"plan_id": created.pk})
    return wo


@performs("request_info")
@work_order_change
def request_customer_info(
    *, actor: Actor, work_order_id: int, inputs: RequestInfoInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Wait for the customer to supply something; the SLA clocks pause meanwhile."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "request_info")
    require(t, inputs)
    move(wo, actor, t, note=inputs.question, changes={
        "pending_return_status": wo.status, "pending_question": inputs.question,
    })
    tell_customer(wo, "info_requested", question=inputs.question)
    return wo


@performs("resume")
@work_order_change
def resume_from_customer(
    *, actor: Actor, work_order_id: int, inputs: ResumeInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """The customer supplied what was asked: back to the state before the pause."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "resume")
    require(t, inputs)
    target = wo.pending_return_status or S.RECEIVED
    move(wo, actor, t, note=inputs.note, target=target,
          changes={"pending_return_status": "", "pending_question": ""})
    return wo


@performs("complete_handling")
@work_order_change
def complete_handling(
    *, actor: Actor, work_order_id: int, inputs: CompleteHandlingInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """The plan is carried out: handling is complete, and the reply to the customer is due
    within its own time limit (001 §4.2.1)."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "complete_handling")
    require(t, inputs)
    move(wo, actor, t, note=inputs.note, changes={"handling_completed_at": timezone.now()})
    return wo


@performs("handle_again")
@work_order_change
def handle_again(
    *, actor: Actor, work_order_id: int, inputs: HandleAgainInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """A reopened complaint is handled again by its handler; the owner stays accountable
    (首问负责) and the reopen stays counted."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "handle_again")
    require(t, inputs)
    changes: dict[str, Any] = {}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    changes["handling_completed_at"] = None
    move(wo, actor, t, note=inputs.note, changes=changes)
    tell_customer(wo, "work_order_handled_again")
    return wo


@performs("reply")
@work_order_change
def reply_to_customer(
    *, actor: Actor, work_order_id: int, inputs: ReplyInput,
    expected_version: int | None = None,
) -> WorkOrder:
    """Send the written reply (001 §4.3); refused while a compensation awaits approval."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "reply")
    require(t, inputs)
    if wo.plans.filter(approval_status=ApprovalStatus.PENDING).exists():
        raise Conflict("补偿方案尚待审批，不能答复", "A compensation plan still awaits approval")
    now = timezone.now()
    Reply.objects.create(
        work_order=wo, result=inputs.result, process_summary=inputs.process_summary,
        measures=inputs.measures, suggestions=inputs.suggestions,
        cause_analysis=inputs.cause_analysis, channel=inputs.reply_channel,
        needs_further_handling=inputs.needs_further_handling, replied_at=now,
        replied_by_name=actor.name,
    )
    move(wo, actor, t, note=inputs.note, changes={"replied_at": now},
          data={"result": inputs.result, "reply_channel": inputs.reply_channel,
                "needs_further_handling": inputs.needs_further_handling})
    tell_customer(wo, "reply_sent", result=inputs.result)
    return wo
