"""Return-visit sampling as the rule writes it (SPEC §15): an exact share of the period's
closed normal complaints per unit, rounded up, reproducible, plus every major and urgent
one. The period is the calendar month of the closure in Beijing time."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from kefu.surveys.models import ReturnVisit, ReturnVisitPolicy, SamplingDraw, SamplingTally
from kefu.surveys.sampling import draw, sampling_month, visits_due
from kefu.workorders import actions
from kefu.workorders.models import Category, WorkOrder
from tests.conftest import World
from tests.test_return_visits import closed, replied

pytestmark = pytest.mark.django_db


def visits(unit_id: int) -> int:
    return ReturnVisit.objects.filter(unit_id=unit_id).count()


def visited_places(unit_id: int) -> list[int]:
    """Which of the unit's closures, counted from 1, got a visit."""
    return list(SamplingDraw.objects.filter(tally__unit_id=unit_id, is_visited=True)
                .order_by("ordinal").values_list("ordinal", flat=True))


def test_ten_closed_normal_complaints_at_30_percent_get_exactly_three_visits(
        world: World) -> None:
    counts = []
    for n in range(1, 11):
        wo = closed(world, title=f"信号差{n}")
        counts.append(visits(wo.unit_id))
    assert counts[0] == 1  # 30 % of 1, rounded up
    assert counts[3] == 2  # 30 % of 4 = 1.2, rounded up
    assert counts[9] == 3  # 30 % of 10
    # After every closure the count is the rounded-up share, never more, never less.
    assert counts == [math.ceil(30 * k / 100) for k in range(1, 11)]
    tally = SamplingTally.objects.get(unit_id=world.city.pk)
    assert (tally.closed, tally.visited) == (10, 3)


def test_the_same_closures_give_the_same_visits(world: World) -> None:
    """No randomness: the k-th closure of a unit's month is in or out by k alone, so a unit
    closing the same number of complaints again picks the same places."""
    for n in range(7):
        closed(world, title=f"市区{n}")
        closed(world, title=f"区县{n}", unit_id=world.district.pk)
    assert visited_places(world.city.pk) == visited_places(world.district.pk) == [1, 4, 7]
    assert [visits_due(30, k) for k in range(1, 8)] == [1, 1, 1, 2, 2, 2, 3]


def test_each_unit_is_counted_on_its_own(world: World) -> None:
    city = [closed(world, title=f"市区{n}") for n in range(2)]
    district = closed(world, title="区县", unit_id=world.district.pk)
    # The district's first closure is the first of its own month, not the city's third.
    assert ReturnVisit.objects.filter(work_order=district).exists()
    assert [ReturnVisit.objects.filter(work_order=wo).exists() for wo in city] == [True, False]
    assert visits(world.city.pk) == visits(world.district.pk) == 1


def test_every_major_and_urgent_complaint_is_visited_beside_the_share(world: World) -> None:
    serious = [closed(world, severity="major", title="重大"),
               closed(world, severity="urgent", title="紧急")]
    assert all(ReturnVisit.objects.filter(work_order=wo).exists() for wo in serious)
    # They take no place among the normal ones: the first normal one is still the first.
    normal = [closed(world, title="普通1"), closed(world, title="普通2")]
    assert [ReturnVisit.objects.filter(work_order=wo).exists() for wo in normal] == [True, False]
    assert SamplingTally.objects.get(unit_id=world.city.pk).closed == 2
    ReturnVisitPolicy.objects.update(normal_share=0)
    assert ReturnVisit.objects.filter(work_order=closed(world, severity="major",
                                                         title="重大2")).exists()


def test_a_complaint_closed_again_in_the_month_keeps_its_place(world: World) -> None:
    first = closed(world, title="第一件")
    actions.reopen_work_order(actor=world.agent, work_order_id=first.pk,
                              inputs=actions.ReopenInput(reason="客户来电仍未解决"))
    actions.handle_again(actor=world.handler, work_order_id=first.pk,
                         inputs=actions.HandleAgainInput())
    actions.reply_to_customer(actor=world.handler, work_order_id=first.pk,
                              inputs=actions.ReplyInput(
                                  result="再次处理", process_summary="复查", measures="更换设备",
                                  suggestions="无", cause_analysis="设备老化",
                                  reply_channel="sms"))
    actions.close_work_order(actor=world.agent, work_order_id=first.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True))
    tally = SamplingTally.objects.get(unit_id=world.city.pk)
    assert (tally.closed, tally.visited) == (1, 1)
    # Its first visit lapsed with the reopen; the new closure has its own task.
    assert list(ReturnVisit.objects.filter(work_order=first).order_by("id")
                .values_list("status", flat=True)) == ["cancelled", "pending"]


def test_a_category_with_its_own_share_is_counted_apart(world: World) -> None:
    billing = Category.objects.exclude(pk=world.category.pk).filter(parent__isnull=False).first()
    assert billing is not None
    ReturnVisitPolicy.objects.create(category=billing, normal_share=100)
    closed(world, title="普通1")
    second_default = closed(world, title="普通2")
    special = replied(world, title="账单")
    WorkOrder.objects.filter(pk=special.pk).update(category=billing)
    actions.close_work_order(actor=world.agent, work_order_id=special.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True))
    assert ReturnVisit.objects.filter(work_order=special).exists()
    assert not ReturnVisit.objects.filter(work_order=second_default).exists()
    assert {(t.category_key, t.closed, t.visited)
            for t in SamplingTally.objects.filter(unit_id=world.city.pk)} == {
        (0, 2, 1), (billing.pk, 1, 1)}


def test_a_share_changed_mid_month_is_caught_up_with(world: World) -> None:
    closed(world, title="一")
    closed(world, title="二")
    ReturnVisitPolicy.objects.update(normal_share=100)
    assert ReturnVisit.objects.filter(work_order=closed(world, title="三")).exists()
    tally = SamplingTally.objects.get(unit_id=world.city.pk)
    assert (tally.closed, tally.visited) == (3, 2)


def test_the_period_is_the_month_in_beijing(world: World) -> None:
    # 16:30 UTC on 31 January is 00:30 on 1 February in Beijing.
    assert sampling_month(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == date(2026, 2, 1)
    assert sampling_month(datetime(2026, 1, 31, 15, 30, tzinfo=UTC)) == date(2026, 1, 1)
    policy = ReturnVisitPolicy.objects.get(unit=None, category=None)
    january, february = (datetime(2026, 1, 20, 2, tzinfo=UTC),
                         datetime(2026, 2, 3, 2, tzinfo=UTC))
    orders = [replied(world, title=f"第{n}件") for n in range(3)]
    assert [draw(orders[0], policy, january), draw(orders[1], policy, january),
            draw(orders[2], policy, february)] == [True, False, True]
    assert SamplingTally.objects.filter(unit_id=world.city.pk).count() == 2


@pytest.mark.django_db(transaction=True)
def test_closures_at_the_same_moment_never_take_the_same_place(world: World) -> None:
    from tests.test_concurrency import run_together

    ReturnVisitPolicy.objects.update(normal_share=50)
    orders = [replied(world, title=f"同时{n}") for n in range(6)]

    def close(index: int) -> WorkOrder:
        return actions.close_work_order(
            actor=world.agent, work_order_id=orders[index].pk,
            inputs=actions.CloseInput(is_confirmed_by_customer=True))

    results = run_together(len(orders), close)
    assert not [r for r in results if isinstance(r, BaseException)], results
    tally = SamplingTally.objects.get(unit_id=world.city.pk)
    assert (tally.closed, tally.visited) == (6, 3)
    assert sorted(SamplingDraw.objects.values_list("ordinal", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert visits(world.city.pk) == 3
