"""Extending a major complaint's deadline (001 §4.1): once, approved by management, and the
customer told why."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from kefu.api.tokens import issue_api_token
from kefu.errors import Conflict, InvalidInput, PermissionRefused
from kefu.notify.models import OutboxMessage
from kefu.orgs.actors import SYSTEM
from kefu.sla.calendar import SHANGHAI
from kefu.sla.extensions import decide_deadline_extension, request_deadline_extension
from kefu.sla.models import SlaClock
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def major(world: World) -> WorkOrder:
    wo, _ = actions.create_work_order(actor=world.supervisor, intake=intake(
        world, severity="major", received_at=at("2025-11-03T10:00")))
    return wo


def test_extension_approved_moves_the_deadline_and_tells_the_customer(world: World) -> None:
    wo = major(world)
    extension = request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                                           clock="handling_complete", working_days=5,
                                           reason="需第三方机构检测基站设备")
    with pytest.raises(PermissionRefused):
        decide_deadline_extension(actor=world.supervisor, extension_id=extension.pk,
                                  is_approved=True)
    decide_deadline_extension(actor=world.manager, extension_id=extension.pk, is_approved=True,
                              note="同意")
    clock = SlaClock.objects.get(work_order=wo, clock="handling_complete")
    # 15 working days end at 24:00 on Nov 24; five more end at 24:00 on Dec 1.
    assert clock.deadline == at("2025-12-02T00:00")
    message = OutboxMessage.objects.get(work_order_id=wo.pk, template="deadline_extended")
    assert "需第三方机构检测基站设备" in message.body and "2025-12-01 24:00" in message.body
    with pytest.raises(Conflict):  # once per clock
        request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                                   clock="handling_complete", working_days=2,
                                   reason="再次延期")


def test_rejected_extension_changes_nothing_and_can_be_asked_again(world: World) -> None:
    wo = major(world)
    before = SlaClock.objects.get(work_order=wo, clock="handling_complete").deadline
    extension = request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                                           clock="handling_complete", working_days=5,
                                           reason="等待厂家备件")
    with pytest.raises(InvalidInput):
        decide_deadline_extension(actor=world.manager, extension_id=extension.pk,
                                  is_approved=False)
    decide_deadline_extension(actor=world.manager, extension_id=extension.pk,
                              is_approved=False, note="理由不充分")
    assert SlaClock.objects.get(work_order=wo, clock="handling_complete").deadline == before
    assert not OutboxMessage.objects.filter(template="deadline_extended").exists()
    request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                               clock="handling_complete", working_days=3, reason="补充理由后再申请")


def test_bad_requests(world: World) -> None:
    normal, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    with pytest.raises(Conflict):
        request_deadline_extension(actor=world.handler, work_order_id=normal.pk,
                                   clock="handling_complete", working_days=5, reason="理由充分")
    wo = major(world)
    for days, clock, reason in [(0, "handling_complete", "理由充分"), (31, "handling_complete",
                                "理由充分"), (5, "coffee", "理由充分"), (5, "handling_complete", "")]:
        with pytest.raises(InvalidInput):
            request_deadline_extension(actor=world.handler, work_order_id=wo.pk, clock=clock,
                                       working_days=days, reason=reason)
    with pytest.raises(PermissionRefused):
        request_deadline_extension(actor=world.agent, work_order_id=wo.pk,
                                   clock="handling_complete", working_days=5, reason="理由充分")


def test_through_the_api(world: World) -> None:
    wo = major(world)
    handler = Client(HTTP_AUTHORIZATION="Bearer " + issue_api_token(
        actor=SYSTEM, user=world.users["handler"], name="h")[1])
    created = handler.post(f"/api/work-orders/{wo.pk}/clocks/handling_complete/extensions",
                           data={"working_days": 5, "reason": "需第三方检测"},
                           content_type="application/json")
    assert created.status_code == 201, created.content
    manager = Client(HTTP_AUTHORIZATION="Bearer " + issue_api_token(
        actor=SYSTEM, user=world.users["manager"], name="m")[1])
    decided = manager.post(f"/api/sla/extensions/{created.json()['id']}/decision",
                           data={"is_approved": True, "note": "同意"},
                           content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    clocks = {c["clock"]: c for c in handler.get(f"/api/work-orders/{wo.pk}/clocks").json()}
    deadline = datetime.fromisoformat(clocks["handling_complete"]["deadline"])
    assert deadline == at("2025-12-02T00:00")


def test_through_the_console(world: World) -> None:
    wo = major(world)
    handler = world.client_for("handler")
    page = handler.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "申请延期" in page
    bad = handler.post(f"/console/work-orders/{wo.pk}/extensions/",
                       {"clock": "handling_complete", "working_days": "5", "reason": ""})
    assert bad.status_code == 422
    done = handler.post(f"/console/work-orders/{wo.pk}/extensions/",
                        {"clock": "handling_complete", "working_days": "5",
                         "reason": "需第三方检测"})
    assert done.status_code == 302
    manager = world.client_for("manager")
    page = manager.get(f"/console/work-orders/{wo.pk}/").content.decode()
    extension_id = wo.clocks.get(clock="handling_complete").extensions.get().pk
    assert f"/extensions/{extension_id}/decision/" in page
    manager.post(f"/console/work-orders/{wo.pk}/extensions/{extension_id}/decision/",
                 {"decision": "approve", "note": "同意"})
    assert SlaClock.objects.get(work_order=wo, clock="handling_complete").deadline == \
        at("2025-12-02T00:00")
