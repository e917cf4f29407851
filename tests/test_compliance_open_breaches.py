"""SLA compliance counts open breaches (SPEC §15): a clock past its deadline and still open is
a miss in every compliance figure — the report, the board and the API — and the board says how
many are still open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.sla.models import SlaClock
from kefu.sla.queries import sla_compliance
from kefu.workorders import actions
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def _first_reply_clocks(world: World) -> list[SlaClock]:
    clocks = []
    for _ in range(4):
        wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
        clocks.append(SlaClock.objects.get(work_order=wo, clock="first_reply"))
    return clocks


def _set_outcomes(clocks: list[SlaClock]) -> None:
    """One met, one breached and finished, one breached and open, one running past its
    deadline that the sweep has not reached yet (set-up only)."""
    now = timezone.now()
    met, finished_late, open_late, unswept = clocks
    SlaClock.objects.filter(pk=met.pk).update(state="met", finished_at=now)
    SlaClock.objects.filter(pk=finished_late.pk).update(
        state="breached", breached_at=now - timedelta(hours=2), finished_at=now)
    SlaClock.objects.filter(pk=open_late.pk).update(
        state="breached", breached_at=now - timedelta(hours=1))
    SlaClock.objects.filter(pk=unswept.pk).update(deadline=now - timedelta(minutes=1))


def test_an_open_breach_is_a_miss_in_the_rate(world: World) -> None:
    _set_outcomes(_first_reply_clocks(world))
    row = next(r for r in sla_compliance(world.supervisor, group="clock")
               if r.key == "first_reply")
    assert (row.met, row.breached, row.running_late) == (1, 1, 2)
    assert row.rate == pytest.approx(1 / 4)


def test_the_api_and_the_console_show_the_same_figure(world: World) -> None:
    _set_outcomes(_first_reply_clocks(world))
    client = world.client_for("supervisor")
    rows = client.get("/api/sla/compliance?group=clock").json()
    first = next(r for r in rows if r["key"] == "first_reply")
    assert first["rate"] == pytest.approx(0.25) and first["running_late"] == 2
    assert "25%" in client.get("/console/sla/").content.decode()
    board = client.get("/console/board/").content.decode()
    assert "2 项超时未结" in board
