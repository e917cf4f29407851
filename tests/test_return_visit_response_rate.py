"""The return visits' response rate counts against the return-visit tasks of the period (SPEC
§15): the visits the sampling asked for, not every closed work order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.surveys.actions import record_return_visit
from kefu.surveys.models import ReturnVisit
from kefu.surveys.queries import return_visit_figures
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, make_staff
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db


def with_visits(world: World) -> list[WorkOrder]:
    """Ten normal complaints (three visits at 30 %) and a major one: eleven closed, four
    tasks. Two answered, one unreachable after three calls, one still to make."""
    for n in range(10):
        closed(world, title=f"普通{n}")
    closed(world, severity="major", title="重大")
    tasks = [v.work_order for v in ReturnVisit.objects.select_related("work_order")
             .order_by("id")]
    assert len(tasks) == 4
    for wo in tasks[:2]:
        record_return_visit(actor=world.agent, work_order_id=wo.pk, reached=True,
                            satisfied=True, resolved=True)
    for _ in range(3):
        record_return_visit(actor=world.agent, work_order_id=tasks[2].pk, reached=False)
    return tasks


def test_the_denominator_is_the_visit_tasks_not_the_closed_work_orders(world: World) -> None:
    with_visits(world)
    assert WorkOrder.objects.filter(status="closed").count() == 11
    [row] = return_visit_figures(world.supervisor)
    assert (row.label, row.tasks, row.reached, row.unreachable, row.pending) == (
        "广州市分公司", 4, 2, 1, 1)
    assert row.response_rate == 2 / 4
    assert row.resolved_rate == 1.0


def test_the_period_is_when_the_tasks_were_scheduled(world: World) -> None:
    with_visits(world)
    now = timezone.now()
    assert return_visit_figures(world.supervisor, since=now + timedelta(hours=1)) == []
    [row] = return_visit_figures(world.supervisor, since=now - timedelta(hours=1),
                                 until=now + timedelta(hours=1))
    assert row.tasks == 4
    outsider, _ = make_staff("sz_supervisor", "supervisor", world.sibling)
    assert return_visit_figures(outsider) == []


def test_a_task_cancelled_by_a_reopen_is_no_task(world: World) -> None:
    tasks = with_visits(world)
    actions.reopen_work_order(actor=world.agent, work_order_id=tasks[3].pk,
                              inputs=actions.ReopenInput(reason="客户来电仍未解决"))
    [row] = return_visit_figures(world.supervisor)
    assert (row.tasks, row.pending, row.response_rate) == (3, 0, 2 / 3)


def test_the_report_page_and_the_api(world: World) -> None:
    with_visits(world)
    client = world.client_for("supervisor")
    page = client.get("/console/surveys/").content.decode()
    assert 'id="return-visits"' in page and "50%" in page
    rows = client.get("/api/surveys/return-visits").json()
    assert [(r["tasks"], r["reached"], r["response_rate"]) for r in rows] == [(4, 2, 0.5)]
