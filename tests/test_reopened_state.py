"""Reopening is visible and counted (SPEC §3, §15; 001 §4.2.1): a dissatisfied customer's
complaint is in the reopened state with its reopen count until handling resumes, its owner
stays the same, and the reopen rate counts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.workorders import actions
from kefu.workorders.choices import OPEN_STATUSES
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.queries import reopen_rate
from kefu.workorders.transitions import TransitionNotAllowed
from tests.conftest import World
from tests.test_return_visits import REPLY, closed

pytestmark = pytest.mark.django_db


def reopened(world: World) -> WorkOrder:
    wo = closed(world)
    return actions.reopen_work_order(actor=world.customer_actor, work_order_id=wo.pk,
                                     inputs=actions.ReopenInput(reason="信号还是很差"))


def test_a_reopened_complaint_waits_in_its_own_state_with_its_count(world: World) -> None:
    owner = closed(world).owner_id
    wo = reopened(world)
    assert (wo.status, wo.reopen_count, wo.owner_id) == ("reopened", 1, owner)
    assert wo.status in OPEN_STATUSES and wo.closed_at is None
    event = TimelineEvent.objects.get(work_order=wo, transition="reopen")
    assert event.is_customer_visible and event.to_status == "reopened"
    with pytest.raises(TransitionNotAllowed):  # handled again before it is answered again
        actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    page = world.client_for("supervisor").get("/console/?view=all&status=reopened")
    assert wo.number in page.content.decode()
    portal = world.client_for("customer").get(f"/portal/orders/{wo.pk}/").content.decode()
    assert "已重开" in portal


def test_handling_resumes_with_the_same_owner_and_the_count_kept(world: World) -> None:
    wo = reopened(world)
    again = actions.handle_again(actor=world.handler, work_order_id=wo.pk,
                                 inputs=actions.HandleAgainInput(note="复查基站"))
    assert (again.status, again.reopen_count, again.owner_id) == ("processing", 1, wo.owner_id)
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)


def test_the_reopen_rate_counts_reopened_complaints_over_closed_ones(world: World) -> None:
    since = timezone.now() - timedelta(days=1)
    reopened(world)
    closed(world, title="宽带")
    rate = reopen_rate(world.supervisor, since=since)
    assert (rate.reopened, rate.closed) == (1, 2) and rate.rate == pytest.approx(0.5)
    api = world.client_for("supervisor").get(
        "/api/reopen-rate", {"since": since.isoformat()}).json()
    assert api == {"reopened": 1, "closed": 2, "rate": 0.5}
    board = world.client_for("supervisor").get("/console/board/").content.decode()
    assert "重开 1 / 结案 2" in board and "50%" in board
