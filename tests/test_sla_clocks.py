"""Clocks on work orders: which start, which are met at each step, pauses that move deadlines,
and the work order's next due instant (SPEC §4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from kefu.sla import clocks as clock_module
from kefu.sla.calendar import SHANGHAI
from kefu.sla.models import SlaClock
from kefu.sla.queries import current_calendar
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def states(wo: WorkOrder) -> dict[str, str]:
    return dict(SlaClock.objects.filter(work_order=wo).values_list("clock", "state"))


def deadlines(wo: WorkOrder) -> dict[str, datetime]:
    return {c: d.astimezone(SHANGHAI) for c, d in
            SlaClock.objects.filter(work_order=wo).values_list("clock", "deadline")}


REPLY = actions.ReplyInput(result="已处理", process_summary="核实处理", measures="整改",
                           suggestions="无", cause_analysis="配置错误", reply_channel="sms")


def test_intake_starts_the_complaint_clocks(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=at("2025-11-03T10:00")))
    assert states(wo) == {
        "confirm": "met", "start_handling": "running", "initial_investigation": "running",
        "first_reply": "running", "handling_complete": "running", "closed_loop": "running"}
    due = deadlines(wo)
    assert due["first_reply"] == at("2025-11-13T00:00")         # 7 working days
    assert due["handling_complete"] == at("2025-11-25T00:00")   # 15 working days
    assert due["start_handling"] == at("2025-11-04T10:00")      # 24 hours
    first_reply = SlaClock.objects.get(work_order=wo, clock="first_reply")
    assert first_reply.warn_at.astimezone(SHANGHAI) == at("2025-11-11T11:36")
    wo.refresh_from_db()
    # Earliest: the 24-hour clocks warn at 80 %, 19 h 12 min after receipt.
    assert wo.next_due_at == at("2025-11-04T05:12")


def test_each_step_meets_its_clocks(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["system_data"]))
    assert states(wo)["start_handling"] == "met"
    assert states(wo)["detailed_investigation"] == "running"
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="记录",
                                 responsible_party="company", plan_type="explanation",
                                 plan_description="说明"))
    assert states(wo)["initial_investigation"] == states(wo)["detailed_investigation"] == "met"
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    assert states(wo)["first_reply"] == states(wo)["handling_complete"] == "met"
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True, satisfaction_score=5))
    assert states(wo)["closed_loop"] == "met" and states(wo)["archive"] == "running"
    wo.refresh_from_db()
    archive = SlaClock.objects.get(work_order=wo, clock="archive")
    assert wo.next_due_at == archive.warn_at
    actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                               inputs=actions.ArchiveInput())
    assert set(states(wo).values()) == {"met"}
    wo.refresh_from_db()
    assert wo.next_due_at is None and not wo.is_overdue


def test_customer_intake_is_confirmed_by_the_first_staff_move(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.customer_actor,
                                      intake=intake(world, channel="web", call_id=""))
    assert states(wo)["confirm"] == "running"
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    assert states(wo)["confirm"] == "met"


def test_waiting_for_the_customer_moves_deadlines(world: World, monkeypatch: Any) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=at("2025-09-29T09:00")))
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    before = deadlines(wo)

    def frozen(moment: str) -> None:
        monkeypatch.setattr(clock_module, "timezone", SimpleNamespace(now=lambda: at(moment)))

    frozen("2025-09-30T12:00")  # Tuesday noon, before National Day
    actions.request_customer_info(actor=world.handler, work_order_id=wo.pk,
                                  inputs=actions.RequestInfoInput(question="截图?"))
    assert set(states(wo).values()) == {"paused", "met"}
    wo.refresh_from_db()
    assert wo.next_due_at is None
    frozen("2025-10-09T12:00")  # Thursday noon after the holiday: 24 working hours passed
    actions.resume_from_customer(actor=world.customer_actor, work_order_id=wo.pk,
                                 inputs=actions.ResumeInput(note="已提供截图"))
    after = deadlines(wo)
    calendar = current_calendar()
    # Working-day clocks move by one working day; hour clocks by the 9 days that passed.
    assert after["first_reply"] == calendar.instant_after_working_seconds(
        before["first_reply"], 24 * 3600)
    assert after["first_reply"] == before["first_reply"] + timedelta(days=1)
    assert after["start_handling"] == before["start_handling"] + timedelta(days=9)
    assert states(wo)["first_reply"] == "running"


def test_rejection_stops_the_clocks(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.reject_work_order(actor=world.agent, work_order_id=wo.pk,
                              inputs=actions.RejectInput(reject_reason="duplicate", note="重复"))
    assert set(states(wo).values()) == {"met", "stopped"}
    wo.refresh_from_db()
    assert wo.next_due_at is None


def test_reopening_runs_handling_again(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="记录",
                                 responsible_party="company", plan_type="explanation",
                                 plan_description="说明"))
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    actions.reopen_work_order(actor=world.customer_actor, work_order_id=wo.pk,
                              inputs=actions.ReopenInput(reason="没解决"))
    assert states(wo)["handling_complete"] == "running"
    assert states(wo)["first_reply"] == "met"


def test_most_specific_policy_wins(world: World) -> None:
    normal, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, kind="service_request", received_at=at("2025-11-03T10:00")))
    urgent, _ = actions.create_work_order(actor=world.supervisor, intake=intake(
        world, kind="service_request", severity="urgent", received_at=at("2025-11-03T10:00")))
    assert deadlines(normal)["request_complete"] == at("2025-11-07T00:00")  # 3 working days
    assert deadlines(urgent)["request_complete"] == at("2025-11-05T00:00")  # 1 working day
    assert "first_reply" not in states(normal)


def test_consultation_has_only_the_generic_clocks(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    assert states(wo) == {"confirm": "met"}


def test_meeting_after_the_deadline_counts_as_late(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=timezone.now() - timedelta(hours=30)))
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    start = SlaClock.objects.get(work_order=wo, clock="start_handling")
    assert start.state == "breached" and start.finished_at is not None
    wo.refresh_from_db()
    assert not wo.is_overdue  # late but done
