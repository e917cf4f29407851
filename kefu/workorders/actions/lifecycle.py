"""The lifecycle's forward moves (SPEC §3): classify, investigate, handle, wait for the
customer and resume, answer and reply. Closing and the side paths are in `closure`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from kefu.errors import Conflict
from kefu.orgs.actors import Actor
from kefu.workorders.actions.plans import PlanInput, add_plan
from kefu.workorders.actions.values import active_category, allowed_severity, staff_in_scope
from kefu.workorders.choices import (
    ApprovalStatus,
    Channel,
    InvestigationMethod,
    ResponsibleParty,
    WorkOrderStatus,
)
from kefu.workorders.models import Reply, WorkOrder
from kefu.workorders.steps import (
    choice,
    lock_for_move,
    move,
    require,
    tell_customer,
    work_order_change,
)

S = WorkOrderStatus


@work_order_change
def classify_work_order(
    *, actor: Actor, work_order_id: int, category_id: int | None, severity: str,
    handler_id: int | None = None, note: str = "", expected_version: int | None = None,
) -> WorkOrder:
    """Set category and severity (001 §3.1.2, §4.2.2), optionally the handler."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "classify")
    require(t, {"category": category_id, "severity": severity})
    category = active_category(category_id)
    changes: dict[str, Any] = {
        "category": category, "severity": allowed_severity(actor, severity),
        "classified_at": timezone.now(),
    }
    if handler_id is not None:
        changes["handler"] = staff_in_scope(actor, handler_id, wo.unit)
    move(wo, actor, t, changes=changes, note=note,
          data={"category": category_id, "severity": severity, "handler": handler_id})
    return wo


@work_order_change
def answer_consultation(
    *, actor: Actor, work_order_id: int, result: str, reply_channel: str, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Answer a consultation directly (001 §2.2)."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "answer")
    require(t, {"result": result.strip(), "reply_channel": reply_channel})
    choice(reply_channel, Channel, "reply_channel")
    now = timezone.now()
    Reply.objects.create(work_order=wo, result=result.strip(), process_summary="",
                         measures="", cause_analysis="", channel=reply_channel,
                         replied_at=now, replied_by_name=actor.name)
    move(wo, actor, t, changes={"replied_at": now}, note=note,
          data={"result": result.strip(), "reply_channel": reply_channel})
    tell_customer(wo, "reply_sent", result=result.strip())
    return wo


@work_order_change
def start_investigation(
    *, actor: Actor, work_order_id: int, investigation_methods: list[str], note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Begin verifying the facts (001 §3.2.2); the actor becomes handler if there is none."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "start_investigation")
    require(t, {"investigation_methods": investigation_methods})
    methods = [choice(m, InvestigationMethod, "investigation_methods")
               for m in dict.fromkeys(investigation_methods)]
    changes: dict[str, Any] = {"investigation_methods": methods,
                               "investigation_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    move(wo, actor, t, changes=changes, note=note, data={"methods": methods})
    return wo


@work_order_change
def start_processing(
    *, actor: Actor, work_order_id: int, findings: str, evidence_summary: str,
    responsible_party: str, plan: PlanInput, note: str = "", expected_version: int | None = None,
) -> WorkOrder:
    """Record the findings and the responsible party (001 §3.2.5) and adopt a plan."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "start_processing")
    require(t, {"findings": findings.strip(), "evidence_summary": evidence_summary.strip(),
                 "responsible_party": responsible_party, "plan_type": plan.plan_type,
                 "plan_description": plan.description.strip()})
    choice(responsible_party, ResponsibleParty, "responsible_party")
    created = add_plan(wo, actor, plan)
    move(wo, actor, t, note=note, changes={
        "findings": findings.strip(), "evidence_summary": evidence_summary.strip(),
        "responsible_party": responsible_party, "processing_started_at": timezone.now(),
    }, data={"responsible_party": responsible_party, "plan_id": created.pk})
    return wo


@work_order_change
def begin_handling(
    *, actor: Actor, work_order_id: int, plan: PlanInput, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Start carrying out a service request, appointment or repair."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "begin_handling")
    require(t, {"plan_type": plan.plan_type, "plan_description": plan.description.strip()})
    created = add_plan(wo, actor, plan)
    changes: dict[str, Any] = {"processing_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    move(wo, actor, t, changes=changes, note=note, data={"plan_id": created.pk})
    return wo


@work_order_change
def request_customer_info(
    *, actor: Actor, work_order_id: int, question: str, expected_version: int | None = None,
) -> WorkOrder:
    """Wait for the customer to supply something; the SLA clocks pause meanwhile."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "request_info")
    require(t, {"question": question.strip()})
    move(wo, actor, t, note=question.strip(), changes={
        "pending_return_status": wo.status, "pending_question": question.strip(),
    })
    tell_customer(wo, "info_requested", question=question.strip())
    return wo


@work_order_change
def resume_from_customer(
    *, actor: Actor, work_order_id: int, note: str, expected_version: int | None = None,
) -> WorkOrder:
    """The customer supplied what was asked: back to the state before the pause."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "resume")
    require(t, {"note": note.strip()})
    target = wo.pending_return_status or S.RECEIVED
    move(wo, actor, t, note=note.strip(), target=target,
          changes={"pending_return_status": "", "pending_question": ""})
    return wo


@dataclass(frozen=True)
class ReplyInput:
    result: str
    process_summary: str
    measures: str
    suggestions: str
    cause_analysis: str
    reply_channel: str
    needs_further_handling: bool = False


@work_order_change
def reply_to_customer(
    *, actor: Actor, work_order_id: int, reply: ReplyInput, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Send the written reply (001 §4.3); refused while a compensation awaits approval."""
    wo, t = lock_for_move(actor, work_order_id, expected_version, "reply")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(reply).items()}
    require(t, values)
    choice(reply.reply_channel, Channel, "reply_channel")
    if wo.plans.filter(approval_status=ApprovalStatus.PENDING).exists():
        raise Conflict("补偿方案尚待审批，不能答复", "A compensation plan still awaits approval")
    now = timezone.now()
    Reply.objects.create(
        work_order=wo, result=values["result"], process_summary=values["process_summary"],
        measures=values["measures"], suggestions=values["suggestions"],
        cause_analysis=values["cause_analysis"], channel=reply.reply_channel,
        needs_further_handling=reply.needs_further_handling, replied_at=now,
        replied_by_name=actor.name,
    )
    move(wo, actor, t, note=note, changes={"replied_at": now},
          data={"result": values["result"], "reply_channel": reply.reply_channel,
                "needs_further_handling": reply.needs_further_handling})
    tell_customer(wo, "reply_sent", result=values["result"])
    return wo
