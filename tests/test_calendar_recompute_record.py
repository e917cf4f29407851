"""A calendar change that moves a deadline is on the record (SPEC §15): the work order's
timeline notes the old and the new deadline and why, and its version moves on."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kefu.sla.actions import set_calendar_override
from kefu.sla.calendar import SHANGHAI
from kefu.sla.models import SlaClock
from kefu.sla.queries import current_calendar
from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_an_override_that_moves_a_deadline_is_noted_with_old_new_and_why(
        world: World, complaint: WorkOrder) -> None:
    clock = (SlaClock.objects.filter(work_order=complaint, state="running",
                                     policy__unit="working_days")
             .order_by("-deadline").first())
    assert clock is not None
    calendar = current_calendar()
    start = clock.started_at.astimezone(SHANGHAI).date() + timedelta(days=1)
    day = next(start + timedelta(days=n) for n in range(30)
               if calendar.is_workday(start + timedelta(days=n)))
    assert day < clock.deadline.astimezone(SHANGHAI).date()
    old, version = clock.deadline, complaint.version

    set_calendar_override(actor=world.admin, day=day, is_workday=False, notice="台风停工通知")

    clock.refresh_from_db()
    assert clock.deadline > old
    event = TimelineEvent.objects.get(work_order=complaint, event_type="deadline_recomputed")
    moved = next(m for m in event.data["clocks"] if m["clock"] == clock.clock)
    assert datetime.fromisoformat(moved["from"]) == old
    assert datetime.fromisoformat(moved["to"]) == clock.deadline
    assert "台风停工通知" in event.note and str(day) in event.note
    assert event.actor_name == world.admin.name
    complaint.refresh_from_db()
    assert complaint.version == version + 1


def test_an_override_outside_every_period_leaves_the_record_alone(
        world: World, complaint: WorkOrder) -> None:
    far = max(c.deadline for c in SlaClock.objects.filter(work_order=complaint))
    set_calendar_override(actor=world.admin, day=far.astimezone(SHANGHAI).date()
                          + timedelta(days=40), is_workday=False, notice="远期调整")
    assert not TimelineEvent.objects.filter(event_type="deadline_recomputed").exists()
