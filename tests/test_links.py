"""Links between related work orders, and splitting a complaint into several."""

from __future__ import annotations

import pytest

from kefu.errors import Conflict, InvalidInput, PermissionRefused
from kefu.sla.models import SlaClock
from kefu.workorders import actions
from kefu.workorders.links import SplitPart, link_work_orders, split_work_order
from kefu.workorders.models import TimelineEvent, WorkOrder, WorkOrderLink
from kefu.workorders.queries import list_links
from tests.conftest import World, intake, make_staff
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db


def test_link_both_ways_once(world: World) -> None:
    first, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    second, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="宽带"))
    link_work_orders(actor=world.agent, work_order_id=first.pk,
                     other_number=second.number.lower(), note="同一小区")
    assert [(x.number, x.kind) for x in list_links(world.agent, first)] == [
        (second.number, "related")]
    assert [(x.number, x.kind) for x in list_links(world.agent, second)] == [
        (first.number, "related")]
    assert TimelineEvent.objects.filter(event_type="linked").count() == 2
    with pytest.raises(Conflict):
        link_work_orders(actor=world.agent, work_order_id=second.pk, other_number=first.number)
    with pytest.raises(InvalidInput):
        link_work_orders(actor=world.agent, work_order_id=first.pk, other_number=first.number)
    with pytest.raises(InvalidInput):
        link_work_orders(actor=world.agent, work_order_id=first.pk, other_number="TS-1")
    outsider, _ = make_staff("sz_agent", "agent", world.sibling)
    with pytest.raises(InvalidInput):
        link_work_orders(actor=outsider, work_order_id=first.pk, other_number=second.number)
    assert WorkOrderLink.objects.count() == 1


def test_link_to_an_archived_record_leaves_it_untouched(world: World) -> None:
    old = closed(world)
    actions.archive_work_order(actor=world.archivist, work_order_id=old.pk,
                               inputs=actions.ArchiveInput())
    before = WorkOrder.objects.get(pk=old.pk)
    new, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="又坏了"))
    link_work_orders(actor=world.supervisor, work_order_id=new.pk, other_number=old.number)
    after = WorkOrder.objects.get(pk=old.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert not TimelineEvent.objects.filter(work_order=old, event_type="linked").exists()


def test_split_into_parts_on_the_original_clock(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="信号差且多收费", content="家里没信号，另外上月多扣了50元"))
    parts = split_work_order(actor=world.agent, work_order_id=wo.pk, parts=[
        SplitPart("上月多扣费50元", "核查上月账单多扣的50元", category_id=None)])
    [part] = parts
    assert part.number.startswith("TS-") and part.received_at == wo.received_at
    assert part.customer_id == wo.customer_id and part.unit_id == wo.unit_id
    assert SlaClock.objects.filter(work_order=part).exists()
    start = SlaClock.objects.get(work_order=part, clock="start_handling")
    assert start.started_at == wo.received_at  # counted from the customer's complaint
    assert [(x.number, x.kind) for x in list_links(world.agent, wo)] == [
        (part.number, "split_into")]
    assert [(x.number, x.kind) for x in list_links(world.agent, part)] == [
        (wo.number, "split_from")]
    event = TimelineEvent.objects.get(work_order=wo, event_type="split")
    assert event.data["parts"] == [part.number] and event.is_customer_visible


def test_bad_splits_change_nothing(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    count = WorkOrder.objects.count()
    for parts in ([], [SplitPart("", "内容")], [SplitPart("标题", "内容", category_id=999999)],
                  [SplitPart(str(n), "内容") for n in range(6)]):
        with pytest.raises(InvalidInput):
            split_work_order(actor=world.agent, work_order_id=wo.pk, parts=parts)
    with pytest.raises(PermissionRefused):
        split_work_order(actor=world.archivist, work_order_id=wo.pk,
                         parts=[SplitPart("标题", "内容")])
    done = closed(world, title="已结案")
    with pytest.raises(Conflict):
        split_work_order(actor=world.agent, work_order_id=done.pk,
                         parts=[SplitPart("标题", "内容")])
    assert WorkOrder.objects.count() == count + 1  # only the closed one made above


def test_console_and_api(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    other, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="另一件"))
    agent = world.client_for("agent")
    page = agent.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "拆分工单" in page and "关联工单" in page
    agent.post(f"/console/work-orders/{wo.pk}/links/", {"number": other.number, "note": "相关"})
    assert other.number in agent.get(f"/console/work-orders/{wo.pk}/").content.decode()
    bad = agent.post(f"/console/work-orders/{wo.pk}/split/",
                     {"part_title": ["只有标题"], "part_content": [""], "part_category": [""]})
    assert bad.status_code == 422
    agent.post(f"/console/work-orders/{wo.pk}/split/",
               {"part_title": ["费用问题", ""], "part_content": ["多扣费", ""],
                "part_category": ["", ""]})
    assert WorkOrderLink.objects.filter(target=wo, kind="split").count() == 1
    api = world.client_for("supervisor")
    listed = api.get(f"/api/work-orders/{wo.pk}/links").json()
    assert {x["kind"] for x in listed} == {"related", "split_into"}
    made = api.post(f"/api/work-orders/{wo.pk}/split",
                    {"parts": [{"title": "装机延误", "content": "宽带装机超期"}]},
                    content_type="application/json")
    assert made.status_code == 201 and made.json()[0]["title"] == "装机延误"
    again = api.post(f"/api/work-orders/{wo.pk}/links", {"number": other.number},
                     content_type="application/json")
    assert again.status_code == 409
