"""Every clock of SPEC §4 exists and is started and met by the lifecycle like the others,
"detailed investigation within 15 working days" (001 §3.2.3) and "reply within 2 working days
after handling is complete" (001 §4.2.1) included."""

from __future__ import annotations

import pytest

from kefu.sla.choices import ClockKind
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.queries import current_calendar
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake
from tests.test_return_visits import REPLY

pytestmark = pytest.mark.django_db

SPEC_4 = {
    "confirm", "start_handling", "initial_investigation", "first_reply",
    "detailed_investigation", "handling_complete", "closed_loop", "reply_after_handling",
    "archive", "request_assessment", "request_complete",
}


def clock(wo: WorkOrder, kind: str) -> SlaClock:
    return SlaClock.objects.get(work_order=wo, clock=kind)


def test_every_clock_of_the_table_has_its_default(world: World) -> None:
    assert set(ClockKind.values) >= SPEC_4
    defaults = {(p.clock, p.work_order_kind): (p.amount, p.unit) for p in SlaPolicy.objects.all()}
    assert defaults[("detailed_investigation", "complaint")] == (15, "working_days")
    assert defaults[("detailed_investigation", "appeal")] == (15, "working_days")
    assert defaults[("reply_after_handling", "complaint")] == (2, "working_days")
    assert defaults[("reply_after_handling", "appeal")] == (2, "working_days")
    assert {c for c, _ in defaults} >= SPEC_4


def test_detailed_investigation_runs_from_investigation_to_the_findings(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=("interview",)))
    detailed = clock(wo, "detailed_investigation")
    assert detailed.state == "running"
    assert detailed.deadline == current_calendar().add_working_days(detailed.started_at, 15).at
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="记录",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="调整基站"))
    assert clock(wo, "detailed_investigation").state == "met"


def test_the_reply_is_due_two_working_days_after_handling_is_complete(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    from tests.test_lifecycle import investigate

    investigate(world, wo.pk)
    assert not SlaClock.objects.filter(work_order=wo, clock="reply_after_handling").exists()
    actions.complete_handling(actor=world.handler, work_order_id=wo.pk,
                              inputs=actions.CompleteHandlingInput(note="基站参数已调整"))
    wo.refresh_from_db()
    assert wo.status == "processing" and wo.handling_completed_at is not None
    assert clock(wo, "handling_complete").state == "met"
    due = clock(wo, "reply_after_handling")
    assert due.state == "running"
    assert due.deadline == current_calendar().add_working_days(due.started_at, 2).at
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    assert clock(wo, "reply_after_handling").state == "met"


def test_handling_is_marked_complete_once_and_then_no_longer_offered(world: World) -> None:
    from kefu.workorders.transitions import TransitionNotAllowed, allowed_transitions
    from tests.test_lifecycle import investigate

    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    investigate(world, wo.pk)
    actions.complete_handling(actor=world.handler, work_order_id=wo.pk,
                              inputs=actions.CompleteHandlingInput(note="已处理"))
    wo.refresh_from_db()
    names = [t.name for t in allowed_transitions(wo.kind, wo.status, world.handler, wo)]
    assert "complete_handling" not in names and "reply" in names
    page = world.client_for("handler").get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "/transitions/complete_handling/" not in page
    with pytest.raises(TransitionNotAllowed):
        actions.complete_handling(actor=world.handler, work_order_id=wo.pk,
                                  inputs=actions.CompleteHandlingInput(note="再来一次"))
