"""Withdrawal of a service request or complaint needs the customer's confirmation (SPEC §15):
a click in the portal, or a recorded phone call whose id the agent gives; an agent alone
cannot withdraw it."""

from __future__ import annotations

import pytest

from kefu.workorders import actions
from kefu.workorders.errors import MissingFields
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.perform import perform_transition
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["complaint", "service_request"])
def test_an_agent_alone_cannot_withdraw(world: World, kind: str) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind=kind))
    with pytest.raises(MissingFields) as refused:
        perform_transition(actor=world.agent, work_order_id=wo.pk, name="withdraw",
                           values={"reason": "客户说不用了"})
    assert set(refused.value.fields) == {"confirmation_call_id"}
    wo.refresh_from_db()
    assert wo.status == "received"


def test_a_recorded_phone_confirmation_withdraws_and_is_on_the_timeline(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    perform_transition(actor=world.agent, work_order_id=wo.pk, name="withdraw",
                       values={"reason": "客户来电撤诉", "confirmation_call_id": "CALL-7788"})
    wo.refresh_from_db()
    assert wo.status == "withdrawn"
    event = TimelineEvent.objects.get(work_order=wo, transition="withdraw")
    assert event.data == {"confirmed_by": "phone", "call_id": "CALL-7788"}


def test_the_customer_confirms_by_withdrawing_in_the_portal(
        world: World, complaint: WorkOrder) -> None:
    client = world.client_for("customer")
    page = client.get(f"/portal/orders/{complaint.pk}/").content.decode()
    assert "withdraw" in page
    client.post(f"/portal/orders/{complaint.pk}/withdraw/", {"reason": "已自行解决"})
    complaint.refresh_from_db()
    assert complaint.status == "withdrawn"
    event = TimelineEvent.objects.get(work_order=complaint, transition="withdraw")
    assert event.data == {"confirmed_by": "portal"}


def test_the_console_form_asks_for_the_call(world: World, complaint: WorkOrder) -> None:
    page = world.client_for("agent").get(f"/console/work-orders/{complaint.pk}/")
    assert 'name="confirmation_call_id"' in page.content.decode()
