"""For every staff role and every action the work order page offers, the console offers it
exactly when the action would not refuse it; and the capability table is the one answer to
who may do what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.archive.actions import set_legal_hold
from kefu.errors import PermissionRefused
from kefu.escalation.actions import (
    EscalationApplication,
    assign_subtask,
    close_supervision,
    complete_subtask,
    decide_escalation,
    open_appeal,
    open_supervision,
    report_supervision_progress,
    request_escalation,
)
from kefu.escalation.models import CoHandlingTask, SupervisionEntry
from kefu.orgs.actors import Actor
from kefu.orgs.choices import DepartmentKind, Role
from kefu.orgs.models import Department, Staff
from kefu.orgs.permissions import HOLDERS, Capability, has_capability
from kefu.sla.extensions import decide_deadline_extension, request_deadline_extension
from kefu.sla.models import SlaClock
from kefu.surveys.actions import (
    SurveyAnswers,
    record_return_visit,
    record_survey_by_phone,
    send_survey,
)
from kefu.surveys.models import ReopenProposal, ReturnVisit
from kefu.surveys.proposals import decide_reopen_proposal
from kefu.workorders import actions
from kefu.workorders.links import SplitPart, link_work_orders, split_work_order
from kefu.workorders.models import HandlingPlan, Reply, WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

STAFF = ["agent", "handler", "supervisor", "manager", "archivist", "auditor", "qa", "editor",
         "reviewer", "admin"]


@dataclass
class Offer:
    """Where the page offers the action (a form posting to `url`) and the action itself."""

    wo_id: int
    url: str
    run: Callable[[Actor], Any]


def new_complaint(world: World, **fields: Any) -> WorkOrder:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    if fields:
        WorkOrder.objects.filter(pk=wo.pk).update(**fields)
    return WorkOrder.objects.get(pk=wo.pk)


def closed_complaint(world: World) -> WorkOrder:
    """Forced into its closed state (set-up only; production moves go through actions)."""
    wo = new_complaint(world, status="closed", handler_id=world.handler.staff_id,
                       category=world.category, findings="属实", closed_at=timezone.now(),
                       is_confirmed_by_customer=True)
    Reply.objects.create(work_order=wo, result="已处理", process_summary="核实",
                         measures="整改", cause_analysis="参数", channel="sms",
                         replied_at=timezone.now(), replied_by_name="处理员")
    return wo


def url(name: str, *args: int) -> str:
    return reverse(f"console:{name}", args=args)


def assign(world: World) -> Offer:
    wo = new_complaint(world)
    return Offer(wo.pk, url("assign", wo.pk), lambda a: actions.assign_work_order(
        actor=a, work_order_id=wo.pk, handler_id=world.handler.staff_id or 0))


def link(world: World) -> Offer:
    wo, other = new_complaint(world), new_complaint(world)
    return Offer(wo.pk, url("link", wo.pk), lambda a: link_work_orders(
        actor=a, work_order_id=wo.pk, other_number=other.number))


def split(world: World) -> Offer:
    wo = new_complaint(world)
    return Offer(wo.pk, url("split", wo.pk), lambda a: split_work_order(
        actor=a, work_order_id=wo.pk, parts=[SplitPart("另一诉求", "宽带也经常断线")]))


def escalate(world: World) -> Offer:
    wo = new_complaint(world)
    return Offer(wo.pk, url("escalate", wo.pk), lambda a: actions.escalate_work_order(
        actor=a, work_order_id=wo.pk, reason="客户多次投诉"))


def decide_plan(approver_role: str) -> Callable[[World], Offer]:
    def offer(world: World) -> Offer:
        wo = new_complaint(world, status="processing")
        plan = HandlingPlan.objects.create(
            work_order=wo, plan_type="compensation", description="补偿话费",
            compensation_type="bill_credit", amount=Decimal("800"), approval_status="pending",
            approver_role=approver_role, created_at=timezone.now(), created_by_name="处理员",
            created_by_user_id=world.handler.user_id)
        return Offer(wo.pk, url("decide_plan", wo.pk, plan.pk), lambda a: actions.decide_handling_plan(
            actor=a, plan_id=plan.pk, is_approved=True))
    return offer


def _running_clock(wo: WorkOrder) -> SlaClock:
    return SlaClock.objects.filter(work_order=wo, state="running").order_by("id").first()  # type: ignore[return-value]


def request_extension(world: World) -> Offer:
    wo = new_complaint(world, severity="major")
    clock = _running_clock(wo)
    return Offer(wo.pk, url("request_extension", wo.pk), lambda a: request_deadline_extension(
        actor=a, work_order_id=wo.pk, clock=clock.clock, working_days=2,
        reason="需要协调多个部门"))


def decide_extension(world: World) -> Offer:
    wo = new_complaint(world, severity="major")
    extension = request_deadline_extension(
        actor=world.handler, work_order_id=wo.pk, clock=_running_clock(wo).clock,
        working_days=2, reason="需要协调多个部门")
    return Offer(wo.pk, url("decide_extension", wo.pk, extension.pk),
                 lambda a: decide_deadline_extension(actor=a, extension_id=extension.pk,
                                                     is_approved=True))


def request_co_handling(world: World) -> Offer:
    wo = new_complaint(world)
    return Offer(wo.pk, url("escalation_request", wo.pk), lambda a: request_escalation(
        actor=a, work_order_id=wo.pk, application=EscalationApplication(
            condition="major_failure", reason="区域性故障")))


def decide_co_handling(world: World) -> Offer:
    wo = new_complaint(world)
    request = request_escalation(actor=world.agent, work_order_id=wo.pk,
                                 application=EscalationApplication(condition="major_failure",
                                                                   reason="区域性故障"))
    return Offer(wo.pk, url("escalation_decision", wo.pk, request.pk), lambda a: decide_escalation(
        actor=a, request_id=request.pk, is_approved=False, note="本单位可处理"))


def _subtask(world: World) -> tuple[WorkOrder, CoHandlingTask, Staff]:
    network, _ = Department.objects.get_or_create(unit=world.city, kind=DepartmentKind.NETWORK,
                                                  defaults={"name": "网络运维部"})
    billing, _ = Department.objects.get_or_create(unit=world.city, kind=DepartmentKind.BILLING,
                                                  defaults={"name": "计费账务部"})
    Staff.objects.filter(pk=world.handler.staff_id).update(department=network)
    wo = new_complaint(world)
    request = request_escalation(actor=world.agent, work_order_id=wo.pk,
                                 application=EscalationApplication(
                                     condition="multi_department", reason="网络与计费",
                                     department_ids=(network.pk, billing.pk)))
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    task = CoHandlingTask.objects.get(work_order=wo, department=network)
    return wo, task, Staff.objects.get(pk=world.handler.staff_id)


def assign_co_handling(world: World) -> Offer:
    wo, task, engineer = _subtask(world)
    return Offer(wo.pk, url("subtask_assign", wo.pk, task.pk), lambda a: assign_subtask(
        actor=a, task_id=task.pk, handler_id=engineer.pk))


def complete_co_handling(world: World) -> Offer:
    wo, task, engineer = _subtask(world)
    assign_subtask(actor=world.manager, task_id=task.pk, handler_id=engineer.pk)
    return Offer(wo.pk, url("subtask_complete", wo.pk, task.pk), lambda a: complete_subtask(
        actor=a, task_id=task.pk, result="基站已修复"))


def supervise(world: World) -> Offer:
    wo = new_complaint(world)
    return Offer(wo.pk, url("supervise", wo.pk), lambda a: open_supervision(
        actor=a, work_order_id=wo.pk, detail="三日内办结", working_days=3))


def _supervised(world: World) -> tuple[WorkOrder, SupervisionEntry]:
    wo = new_complaint(world)
    entry = open_supervision(actor=world.supervisor, work_order_id=wo.pk, detail="三日内办结",
                             working_days=3)
    return wo, entry


def report_supervision(world: World) -> Offer:
    wo, entry = _supervised(world)
    return Offer(wo.pk, url("supervision_report", wo.pk, entry.pk),
                 lambda a: report_supervision_progress(actor=a, entry_id=entry.pk,
                                                       progress="已联系客户"))


def end_supervision(world: World) -> Offer:
    wo, entry = _supervised(world)
    return Offer(wo.pk, url("supervision_close", wo.pk, entry.pk), lambda a: close_supervision(
        actor=a, entry_id=entry.pk, evaluation="good"))


def appeal(world: World) -> Offer:
    wo = closed_complaint(world)
    return Offer(wo.pk, url("appeal", wo.pk), lambda a: open_appeal(
        actor=a, original_id=wo.pk, reason="对处理结果不满意"))


def _visited(world: World) -> WorkOrder:
    wo = closed_complaint(world)
    ReturnVisit.objects.create(work_order=wo, unit_id=wo.unit_id, scheduled_at=timezone.now(),
                               due_at=timezone.now() + timezone.timedelta(days=3))
    return wo


def return_visit(world: World) -> Offer:
    wo = _visited(world)
    return Offer(wo.pk, url("return_visit", wo.pk), lambda a: record_return_visit(
        actor=a, work_order_id=wo.pk, reached=False))


def decide_reopen(world: World) -> Offer:
    wo = _visited(world)
    record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True, satisfied=False,
                        resolved=False, comment="信号还是差")
    proposal = ReopenProposal.objects.get(work_order=wo)
    return Offer(wo.pk, url("reopen_decision", wo.pk, proposal.pk),
                 lambda a: decide_reopen_proposal(actor=a, proposal_id=proposal.pk,
                                                  is_accepted=True))


def phone_survey(world: World) -> Offer:
    wo = closed_complaint(world)
    send_survey(wo)
    return Offer(wo.pk, url("survey", wo.pk), lambda a: record_survey_by_phone(
        actor=a, work_order_id=wo.pk, answers=SurveyAnswers(csat=5, is_resolved=True)))


def legal_hold(world: World) -> Offer:
    wo = closed_complaint(world)
    return Offer(wo.pk, url("legal_hold", wo.pk), lambda a: set_legal_hold(
        actor=a, work_order_id=wo.pk, reason="客户已起诉，保全记录"))


OFFERS: dict[str, Callable[[World], Offer]] = {
    "assign": assign, "link": link, "split": split, "escalate": escalate,
    "decide_plan": decide_plan("supervisor"), "decide_large_plan": decide_plan("manager"),
    "request_extension": request_extension, "decide_extension": decide_extension,
    "request_co_handling": request_co_handling, "decide_co_handling": decide_co_handling,
    "assign_co_handling": assign_co_handling, "complete_co_handling": complete_co_handling,
    "supervise": supervise, "report_supervision": report_supervision,
    "end_supervision": end_supervision, "appeal": appeal, "return_visit": return_visit,
    "decide_reopen": decide_reopen,
    "phone_survey": phone_survey, "legal_hold": legal_hold,
}


def offered(client: Client, offer: Offer) -> bool:
    page = client.get(reverse("console:detail", args=[offer.wo_id]))
    assert page.status_code == 200
    return f'action="{offer.url}"' in page.content.decode()


def accepted(offer: Offer, actor: Actor) -> bool:
    """The action ran, or refused on permission; any other error means the set-up is wrong
    and fails the test."""
    try:
        offer.run(actor)
    except PermissionRefused:
        return False
    return True


@pytest.mark.parametrize("name", sorted(OFFERS))
def test_the_page_offers_an_action_exactly_when_the_action_accepts_it(
        world: World, name: str) -> None:
    mismatches = []
    accepting = []
    for role in STAFF:
        offer = OFFERS[name](world)
        actor: Actor = getattr(world, role)
        shown = offered(world.client_for(role), offer)
        ran = accepted(offer, actor)
        accepting += [role] if ran else []
        if shown != ran:
            mismatches.append(f"{role}: offered={shown} accepted={ran}")
    assert mismatches == []
    # Somebody may do each thing, else the set-up never reached the action's own checks;
    # only linking is open to all staff.
    assert accepting
    assert len(accepting) < len(STAFF) or name == "link"


def test_capabilities_are_the_one_answer_to_who_may_do_what() -> None:
    for capability, roles in HOLDERS.items():
        assert {r for r in Role if has_capability(r, capability)} == roles
    assert set(HOLDERS) == set(Capability)
    assert not any(has_capability(Role.SYSTEM, c) for c in (
        Capability.READ_AUDIT, Capability.REVEAL_PERSONAL_DATA, Capability.TAKE_APPEAL))


def test_the_portal_offers_an_appeal_exactly_when_the_customer_may_appeal(world: World) -> None:
    customer = Client()
    customer.force_login(world.users["customer"])
    open_one = new_complaint(world)
    closed = closed_complaint(world)
    for wo, allowed in ((open_one, False), (closed, True)):
        page = customer.get(reverse("portal:detail", args=[wo.pk])).content.decode()
        assert (f'action="{reverse("portal:appeal", args=[wo.pk])}"' in page) is allowed
    appeal_wo = open_appeal(actor=world.customer_actor, original_id=closed.pk, reason="不满意")
    assert appeal_wo.pk


def test_the_api_tells_a_client_which_capabilities_its_holder_has(world: World) -> None:
    for role in ("handler", "manager", "auditor"):
        body = world.client_for(role).get("/api/me").json()
        actor: Actor = getattr(world, role)
        assert body["role"] == role
        assert body["capabilities"] == [c.value for c in Capability
                                        if has_capability(actor.role, c)]
    assert "sla.decide_extension" in world.client_for("manager").get("/api/me").json()[
        "capabilities"]
    assert "sla.decide_extension" not in world.client_for("handler").get("/api/me").json()[
        "capabilities"]
