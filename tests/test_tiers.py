"""Response tiers (001 §7.2): escalating to a tier moves the work order to the unit at that
tier, and scope follows."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders
from tests.conftest import World, intake, make_staff

pytestmark = pytest.mark.django_db


def test_escalate_to_the_province_moves_unit_and_scope(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.assign_work_order(actor=world.supervisor, work_order_id=wo.pk,
                              handler_id=world.handler.staff_id)
    actions.escalate_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                reason="涉及多个地市的网络故障", tier=2)
    wo.refresh_from_db()
    assert (wo.tier, wo.unit_id, wo.handler_id, wo.is_escalated) == (
        2, world.province.pk, None, True)
    assert scoped_work_orders(world.manager).filter(pk=wo.pk).exists()
    # the city still sees what its agent received (首问负责); another city does not
    assert scoped_work_orders(world.handler).filter(pk=wo.pk).exists()
    assert not scoped_work_orders(world.sibling_handler).filter(pk=wo.pk).exists()
    entry = AuditEntry.objects.filter(action="WORK_ORDER_ESCALATED").get()
    assert entry.data["tier"] == 2
    actions.escalate_work_order(actor=world.manager, work_order_id=wo.pk,
                                reason="需总部协调", tier=1)
    wo.refresh_from_db()
    assert (wo.tier, wo.unit_id) == (1, world.hq.pk)


def test_bad_escalations_change_nothing(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    before = WorkOrder.objects.get(pk=wo.pk)
    for tier in (0, 4, 3):
        with pytest.raises(InvalidInput) as caught:
            actions.escalate_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                        reason="原因", tier=tier)
        assert "tier" in caught.value.fields
    with pytest.raises(PermissionRefused):
        actions.escalate_work_order(actor=world.handler, work_order_id=wo.pk, reason="原因",
                                    tier=2)
    outsider, _ = make_staff("sz_supervisor", "supervisor", world.sibling)
    with pytest.raises(NotFound):  # another city's work order is outside the scope
        actions.escalate_work_order(actor=outsider, work_order_id=wo.pk, reason="原因", tier=2)
    after = WorkOrder.objects.get(pk=wo.pk)
    assert (after.tier, after.unit_id, after.version) == (before.tier, before.unit_id,
                                                         before.version)
    actions.escalate_work_order(actor=world.supervisor, work_order_id=wo.pk, reason="重大")
    with pytest.raises(Conflict):
        actions.escalate_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                    reason="再次")


def test_console_and_api(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    supervisor = world.client_for("supervisor")
    page = supervisor.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "升级到响应级别" in page and "二级（省公司）" in page
    bad = supervisor.post(f"/console/work-orders/{wo.pk}/escalate/",
                          {"reason": "原因", "tier": "5"})
    assert bad.status_code == 422
    manager = world.client_for("manager")
    done = manager.post(f"/api/work-orders/{wo.pk}/escalate",
                        {"reason": "省公司督办处理", "tier": 2}, content_type="application/json")
    assert done.status_code == 200 and done.json()["tier"] == 2
    wo.refresh_from_db()
    assert wo.unit_id == world.province.pk
