"""Appeals (申诉): of a closed complaint, one tier higher, on their own clocks; a regulator's
case with its number, received date and deadline, which no clock may pass."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, PermissionRefused
from kefu.escalation.actions import RegulatorCase, open_appeal
from kefu.escalation.models import Appeal
from kefu.escalation.queries import appeal_figures
from kefu.notify.models import OutboxMessage
from kefu.sla.calendar import SHANGHAI
from kefu.sla.models import SlaClock
from kefu.sla.queries import current_calendar
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders
from tests.conftest import World, intake, make_staff
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)  # two days before National Day
DEADLINE = datetime(2026, 10, 12, 18, 0, tzinfo=SHANGHAI)


def case(**overrides: object) -> RegulatorCase:
    values: dict[str, object] = {"regulator": "miit", "external_number": "GXB-2026-001234",
                                 "received_at": RECEIVED, "deadline": DEADLINE}
    values.update(overrides)
    return RegulatorCase(**values)  # type: ignore[arg-type]


def test_customer_appeal_goes_one_tier_up(world: World) -> None:
    original = closed(world)
    appeal = open_appeal(actor=world.customer_actor, original_id=original.pk,
                         reason="处理结果不合理，信号仍然很差")
    wo = appeal.work_order
    assert wo.kind == "appeal" and wo.number.startswith("SS-")
    assert (wo.tier, wo.unit_id) == (2, world.province.pk)
    assert wo.customer_id == original.customer_id and wo.channel == "web"
    assert {c.clock for c in SlaClock.objects.filter(work_order=wo)} >= {
        "first_reply", "handling_complete"}
    assert wo.deadline_cap is None
    assert OutboxMessage.objects.filter(template="appeal_received", work_order_id=wo.pk).exists()
    assert AuditEntry.objects.filter(action="APPEAL_OPENED").count() == 1
    # the province manager sees and handles it; the city agent who took the complaint does not
    assert scoped_work_orders(world.manager).filter(pk=wo.pk).exists()
    assert not scoped_work_orders(world.agent).filter(pk=wo.pk).exists()
    original.refresh_from_db()
    assert original.status == "closed"


def test_regulator_appeal_across_a_holiday(world: World) -> None:
    original = closed(world)
    appeal = open_appeal(actor=world.supervisor, original_id=original.pk,
                         reason="工信部转办：用户对处理结果不满", case=case())
    wo = appeal.work_order
    assert (appeal.source, appeal.regulator, appeal.external_number) == (
        "regulator", "miit", "GXB-2026-001234")
    assert wo.received_at == RECEIVED and wo.severity == "major" and wo.channel == "regulator"
    clocks = {c.clock: c for c in SlaClock.objects.filter(work_order=wo)}
    calendar = current_calendar()
    # Seven working days from 29 September skip the National Day holiday: 15 October, later
    # than the regulator's 12 October, so the clock shows the regulator's deadline.
    assert calendar.add_working_days(RECEIVED, 7).at > DEADLINE
    assert clocks["first_reply"].deadline == DEADLINE
    assert clocks["handling_complete"].deadline == DEADLINE
    assert all(c.deadline <= DEADLINE for c in clocks.values())
    assert all(c.warn_at <= c.deadline for c in clocks.values())
    # a clock that ends before the regulator's deadline keeps its own
    assert clocks["start_handling"].deadline == RECEIVED + timedelta(hours=24)


def test_regulator_deadline_survives_a_pause(world: World) -> None:
    original = closed(world)
    now = timezone.now()
    appeal = open_appeal(actor=world.supervisor, original_id=original.pk, reason="通管局转办",
                         case=case(external_number="YDSS20260099", received_at=now,
                                   deadline=now + timedelta(days=3)))
    wo = appeal.work_order
    manager = world.manager
    actions.classify_work_order(actor=manager, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="major"))
    actions.start_investigation(actor=manager, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.request_customer_info(actor=manager, work_order_id=wo.pk,
                                  inputs=actions.RequestInfoInput(question="请提供截图"))
    actions.resume_from_customer(actor=world.customer_actor, work_order_id=wo.pk,
                                 inputs=actions.ResumeInput(note="已提供"))
    cap = WorkOrder.objects.get(pk=wo.pk).deadline_cap
    assert cap is not None
    assert all(c.deadline <= cap for c in SlaClock.objects.filter(work_order=wo))


def test_bad_input_changes_nothing(world: World) -> None:
    original = closed(world)
    open_complaint, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    before = WorkOrder.objects.count()
    with pytest.raises(Conflict):
        open_appeal(actor=world.agent, original_id=open_complaint.pk, reason="不满意")
    with pytest.raises(InvalidInput) as caught:
        open_appeal(actor=world.agent, original_id=original.pk, reason="转办",
                    case=case(external_number="12-ab"))
    assert "external_number" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        open_appeal(actor=world.agent, original_id=original.pk, reason="转办",
                    case=case(deadline=RECEIVED - timedelta(days=1), regulator="fbi"))
    assert {"external_deadline", "regulator"} <= set(caught.value.fields)
    with pytest.raises(InvalidInput):
        open_appeal(actor=world.agent, original_id=original.pk, reason="  ")
    with pytest.raises(PermissionRefused):
        open_appeal(actor=world.handler, original_id=original.pk, reason="不满意")
    with pytest.raises(PermissionRefused):
        open_appeal(actor=world.customer_actor, original_id=original.pk, reason="不满意",
                    case=case())
    outsider, _ = make_staff("sz_agent", "agent", world.sibling)
    with pytest.raises(InvalidInput):  # outside the actor's scope: as if it did not exist
        open_appeal(actor=outsider, original_id=original.pk, reason="不满意")
    assert WorkOrder.objects.count() == before and not Appeal.objects.exists()
    open_appeal(actor=world.agent, original_id=original.pk, reason="转办", case=case())
    with pytest.raises(Conflict):
        open_appeal(actor=world.agent, original_id=original.pk, reason="再次转办", case=case())
    assert Appeal.objects.count() == 1


def test_archived_complaint_can_be_appealed_and_stays_untouched(world: World) -> None:
    original = closed(world)
    actions.archive_work_order(actor=world.archivist, work_order_id=original.pk,
                               inputs=actions.ArchiveInput())
    before = WorkOrder.objects.get(pk=original.pk)
    open_appeal(actor=world.agent, original_id=original.pk, reason="对处理结果有异议")
    after = WorkOrder.objects.get(pk=original.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)


def test_appeal_of_an_appeal_goes_higher_still(world: World) -> None:
    original = closed(world)
    first = open_appeal(actor=world.agent, original_id=original.pk, reason="不满意").work_order
    WorkOrder.objects.filter(pk=first.pk).update(status="closed", closed_at=timezone.now())
    second = open_appeal(actor=world.manager, original_id=first.pk, reason="仍不满意")
    assert (second.work_order.tier, second.work_order.unit_id) == (1, world.hq.pk)


def test_appeal_rate_per_million_customers(world: World) -> None:
    original = closed(world)
    open_appeal(actor=world.agent, original_id=original.pk, reason="不满意")
    open_appeal(actor=world.agent, original_id=original.pk, reason="转办", case=case())
    figures = appeal_figures(world.manager)
    assert (figures.customer_appeals, figures.regulator_appeals) == (1, 1)
    assert figures.customers == 1 and figures.per_million == 2_000_000
    assert appeal_figures(world.agent).appeals == 0  # both sit at the province


def test_console_portal_and_api(world: World) -> None:
    original = closed(world)
    supervisor = world.client_for("supervisor")
    page = supervisor.get(f"/console/work-orders/{original.pk}/").content.decode()
    assert "登记申诉" in page
    bad = supervisor.post(f"/console/work-orders/{original.pk}/appeals/",
                          {"reason": "转办", "regulator": "miit", "external_number": "abc"})
    assert bad.status_code == 422 and "监管转办信息有误" in bad.content.decode()
    done = supervisor.post(f"/console/work-orders/{original.pk}/appeals/", {
        "reason": "工信部转办", "regulator": "miit", "external_number": "gxb-2026-000777",
        "external_received_at": "2026-09-29T10:00", "external_deadline": "2026-10-12T18:00"})
    appeal = Appeal.objects.get()
    assert appeal.external_number == "GXB-2026-000777"
    assert appeal.external_deadline == DEADLINE
    # the appeal sits at the province; the city supervisor who took it in owns it and sees it
    assert done["Location"] == f"/console/work-orders/{appeal.work_order_id}/"
    manager = world.client_for("manager")
    appeal_page = manager.get(f"/console/work-orders/{appeal.work_order_id}/").content.decode()
    assert original.number in appeal_page and "GXB-2026-000777" in appeal_page
    appeal.delete()
    WorkOrder.objects.filter(kind="appeal").delete()

    customer = world.client_for("customer")
    mine = customer.get(f"/portal/orders/{original.pk}/").content.decode()
    assert "提出申诉" in mine
    created = customer.post(f"/portal/orders/{original.pk}/appeal/", {"reason": "还是没解决"})
    appeal = Appeal.objects.get()
    assert created["Location"] == f"/portal/orders/{appeal.work_order_id}/"
    shown = customer.get(created["Location"]).content.decode()
    assert original.number in shown and "申诉" in shown

    api = manager.post(f"/api/work-orders/{original.pk}/appeals", {
        "reason": "通管局转办", "regulator": "ca", "external_number": "YDSS-2026-1001",
        "external_received_at": "2026-09-29T10:00:00+08:00",
        "external_deadline": "2026-10-12T18:00:00+08:00"}, content_type="application/json")
    assert api.status_code == 201, api.content
    body = api.json()
    assert body["tier"] == 2 and body["original_number"] == original.number
    assert body["number"].startswith("SS-")
    again = manager.post(f"/api/work-orders/{original.pk}/appeals", {
        "reason": "重复", "regulator": "ca", "external_number": "YDSS-2026-1001",
        "external_received_at": "2026-09-29T10:00:00+08:00",
        "external_deadline": "2026-10-12T18:00:00+08:00"}, content_type="application/json")
    assert again.status_code == 409
    figures = manager.get("/api/appeals/figures").json()
    assert figures["appeals"] == 2 and figures["regulator_appeals"] == 1
    assert "/api/work-orders/{wo_id}/appeals" in manager.get("/api/openapi.json").json()["paths"]


def test_retention_purges_an_appealed_original_and_keeps_the_appeal(world: World) -> None:
    from kefu.archive.actions import run_retention
    from kefu.archive.models import RetentionPolicy

    original = closed(world)
    appeal = open_appeal(actor=world.agent, original_id=original.pk, reason="张伟：信号差")
    # The original is archived once its appeal is done (set-up: the appeal's own handling is
    # not the subject here).
    WorkOrder.objects.filter(pk=appeal.work_order_id).update(status="closed")
    actions.archive_work_order(actor=world.archivist, work_order_id=original.pk,
                               inputs=actions.ArchiveInput())
    RetentionPolicy.objects.update(action="purge")
    run_retention(now=timezone.now() + timedelta(days=4 * 366))
    appeal.refresh_from_db()
    assert not WorkOrder.objects.filter(pk=original.pk).exists()
    assert appeal.original_id is None and appeal.original_number == original.number


def test_board_shows_the_appeal_rate(world: World) -> None:
    original = closed(world)
    open_appeal(actor=world.agent, original_id=original.pk, reason="不满意")
    board = world.client_for("manager").get("/console/board/").content.decode()
    assert "百万用户申诉率" in board and "1000000.0" in board
    english = world.client_for("manager").get("/console/board/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Appeals per million customers" in english.content.decode()
