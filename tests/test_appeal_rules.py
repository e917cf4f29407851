"""Appeals as SPEC §15 reads them: a customer may appeal a replied or a closed complaint; the
original is not archived while an appeal of it is open; a regulator's case is found by its
case number; without a deadline from the regulator it gets the default appeal clock."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from kefu.errors import Conflict
from kefu.escalation.actions import RegulatorCase, open_appeal
from kefu.sla.calendar import SHANGHAI
from kefu.sla.queries import current_calendar
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake
from tests.test_lifecycle import investigate
from tests.test_return_visits import REPLY, closed

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)


def test_a_replied_complaint_may_be_appealed_and_a_received_one_not(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    with pytest.raises(Conflict):
        open_appeal(actor=world.customer_actor, original_id=wo.pk, reason="不满意")
    investigate(world, wo.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    page = world.client_for("customer").get(f"/portal/orders/{wo.pk}/").content.decode()
    assert f'action="/portal/orders/{wo.pk}/appeal/"' in page
    appeal = open_appeal(actor=world.customer_actor, original_id=wo.pk, reason="答复不合理")
    assert appeal.original_id == wo.pk and appeal.work_order.kind == "appeal"


def test_the_original_is_not_archived_while_its_appeal_is_open(world: World) -> None:
    original = closed(world)
    appeal = open_appeal(actor=world.agent, original_id=original.pk, reason="客户不服")
    with pytest.raises(Conflict) as refused:
        actions.archive_work_order(actor=world.archivist, work_order_id=original.pk,
                                   inputs=actions.ArchiveInput())
    assert refused.value.detail["appeal"] == appeal.work_order.number
    original.refresh_from_db()
    assert original.status == "closed"
    WorkOrder.objects.filter(pk=appeal.work_order_id).update(status="closed")  # set-up only
    archived = actions.archive_work_order(actor=world.archivist, work_order_id=original.pk,
                                          inputs=actions.ArchiveInput())
    assert archived.status == "archived"


def test_a_regulators_case_without_a_deadline_gets_the_default_appeal_clock(
        world: World, settings: object) -> None:
    original = closed(world)
    appeal = open_appeal(actor=world.agent, original_id=original.pk, reason="工信部转办",
                         case=RegulatorCase("miit", "GXB-2026-004321", RECEIVED, None))
    expected = current_calendar().add_working_days(RECEIVED, 5).at
    assert appeal.work_order.deadline_cap == expected
    assert appeal.external_deadline is None
    settings.KEFU_APPEAL_DEFAULT_WORKING_DAYS = 3  # type: ignore[attr-defined]
    other = closed(world, title="宽带")
    shorter = open_appeal(actor=world.agent, original_id=other.pk, reason="省管局转办",
                          case=RegulatorCase("miit", "GXB-2026-004322", RECEIVED, None))
    assert shorter.work_order.deadline_cap == current_calendar().add_working_days(
        RECEIVED, 3).at


def test_a_regulators_case_is_found_by_its_case_number(world: World) -> None:
    original = closed(world)
    appeal = open_appeal(actor=world.agent, original_id=original.pk, reason="工信部转办",
                         case=RegulatorCase("miit", "GXB-2026-007777", RECEIVED,
                                            timezone.now() + timezone.timedelta(days=9)))
    client = world.client_for("manager")
    api = client.get("/api/work-orders?external_number=gxb-2026-007777").json()
    assert [i["id"] for i in api["items"]] == [appeal.work_order_id]
    assert client.get("/api/work-orders?external_number=GXB-2026-000000").json()["items"] == []
    page = client.get("/console/?view=all&external=GXB-2026-007777").content.decode()
    assert appeal.work_order.number in page and original.number not in page
