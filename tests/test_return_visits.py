"""Return visits after closure: scheduling, recording, a reopen proposed or an appeal opened
when the customer is not satisfied (the exact sampling has its own file)."""

from __future__ import annotations

import pytest

from kefu.errors import Conflict, InvalidInput, PermissionRefused
from kefu.surveys.actions import record_return_visit
from kefu.surveys.models import ReopenProposal, ReturnVisit, ReturnVisitPolicy
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

REPLY = actions.ReplyInput(result="已处理", process_summary="核实处理", measures="整改",
                           suggestions="无", cause_analysis="配置错误", reply_channel="sms")


def closed(world: World, severity: str = "normal", title: str = "信号差",
           **intake_fields: object) -> WorkOrder:
    """A complaint taken through the lifecycle to its closure, by the actions."""
    wo = replied(world, severity, title, **intake_fields)
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True,
                                                       satisfaction_score=5))
    return WorkOrder.objects.get(pk=wo.pk)


def replied(world: World, severity: str = "normal", title: str = "信号差",
            **intake_fields: object) -> WorkOrder:
    actor = world.supervisor if severity != "normal" else world.agent
    wo, _ = actions.create_work_order(actor=actor, intake=intake(
        world, severity=severity, title=title, **intake_fields))
    i = wo.pk
    actions.classify_work_order(actor=actor, work_order_id=i,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity=severity))
    actions.start_investigation(actor=world.handler, work_order_id=i,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=i,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="记录",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="整改"))
    actions.reply_to_customer(actor=world.handler, work_order_id=i, inputs=REPLY)
    return WorkOrder.objects.get(pk=i)


def test_every_major_complaint_gets_a_visit(world: World) -> None:
    wo = closed(world, severity="major")
    visit = ReturnVisit.objects.get(work_order=wo)
    assert visit.status == "pending" and visit.due_at > wo.closed_at


def test_the_policy_share_decides_for_normal_ones(world: World) -> None:
    ReturnVisitPolicy.objects.update(normal_share=100)
    assert ReturnVisit.objects.filter(work_order=closed(world)).exists()
    ReturnVisitPolicy.objects.update(normal_share=0)
    assert not ReturnVisit.objects.filter(work_order=closed(world, title="另一条")).exists()


def test_not_satisfied_proposes_a_reopen(world: World) -> None:
    wo = closed(world, severity="major")
    with pytest.raises(PermissionRefused):
        record_return_visit(actor=world.handler, work_order_id=wo.pk, reached=True,
                            satisfied=True, resolved=True)
    with pytest.raises(InvalidInput):
        record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True)
    record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True, satisfied=False,
                        resolved=False, comment="信号还是差")
    wo.refresh_from_db()
    assert wo.status == "closed" and wo.reopen_count == 0
    proposal = ReopenProposal.objects.get(work_order=wo)
    assert proposal.status == "pending" and "信号还是差" in proposal.reason
    with pytest.raises(Conflict):
        record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True,
                            satisfied=True, resolved=True)


def test_unreachable_after_three_attempts(world: World) -> None:
    wo = closed(world, severity="urgent")
    for _ in range(3):
        record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=False)
    visit = ReturnVisit.objects.get(work_order=wo)
    assert visit.status == "unreachable" and visit.attempts == 3
    wo.refresh_from_db()
    assert wo.status == "closed"


def test_in_the_console(world: World) -> None:
    wo = closed(world, severity="major")
    client = world.client_for("agent")
    assert wo.number in client.get("/console/?view=visits").content.decode()
    assert "登记回访" in client.get(f"/console/work-orders/{wo.pk}/").content.decode()
    client.post(f"/console/work-orders/{wo.pk}/return-visit/",
                {"reached": "yes", "satisfied": "yes", "resolved": "yes", "comment": "满意"})
    visit = ReturnVisit.objects.get(work_order=wo)
    assert visit.status == "done" and visit.is_satisfied
    assert wo.number not in client.get("/console/?view=visits").content.decode()


def test_not_satisfied_opens_an_appeal_when_configured(world: World) -> None:
    from kefu.escalation.models import Appeal

    ReturnVisitPolicy.objects.update(on_dissatisfied="appeal")
    wo = closed(world, severity="major")
    record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True, satisfied=False,
                        resolved=True, comment="态度不好")
    appeal = Appeal.objects.get(original=wo)
    assert appeal.source == "customer" and "态度不好" in appeal.reason
    assert appeal.work_order.unit_id == world.province.pk
    wo.refresh_from_db()
    assert wo.status == "closed" and wo.reopen_count == 0
    assert ReturnVisit.objects.get(work_order=wo).status == "done"


def test_not_resolved_is_proposed_even_where_appeals_are_configured(world: World) -> None:
    from kefu.escalation.models import Appeal

    ReturnVisitPolicy.objects.update(on_dissatisfied="appeal")
    wo = closed(world, severity="major")
    record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True, satisfied=False,
                        resolved=False, comment="还是没修好")
    assert not Appeal.objects.filter(original=wo).exists()
    assert ReopenProposal.objects.get(work_order=wo).status == "pending"
