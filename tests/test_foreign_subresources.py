"""A sub-resource of a work order outside the actor's scope answers exactly like a missing one
(issue 22, item 10); and the owner's and handler's reveal without a reason holds only while
the work order is open (item 11)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.api.tokens import issue_api_token
from kefu.audit.models import AuditEntry
from kefu.customers.errors import RevealRefused
from kefu.escalation.actions import EscalationApplication, open_supervision, request_escalation
from kefu.orgs.actors import SYSTEM
from kefu.orgs.choices import Role
from kefu.sla.extensions import request_deadline_extension
from kefu.sla.models import SlaClock
from kefu.workorders import actions
from kefu.workorders.models import HandlingPlan, WorkOrder
from tests.conftest import World, intake, make_staff

pytestmark = pytest.mark.django_db


def api_for(world: World, name: str) -> Client:
    _, plain = issue_api_token(actor=SYSTEM, user=world.users[name], name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def answer(client: Client, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = client.post(url, data=body, content_type="application/json")
    return response.status_code, response.json().get("message_zh", response.json())


def test_a_foreign_sub_resource_answers_like_a_missing_one(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.supervisor,
                                      intake=intake(world, severity="major"))
    WorkOrder.objects.filter(pk=wo.pk).update(status="processing")
    plan = HandlingPlan.objects.create(
        work_order=wo, plan_type="compensation", description="补偿", amount=Decimal("500"),
        compensation_type="bill_credit", approval_status="pending", approver_role="manager",
        created_at=timezone.now(), created_by_name="x")
    clock = SlaClock.objects.filter(work_order=wo, state="running").first()
    assert clock is not None
    extension = request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                                           clock=clock.clock, working_days=2, reason="协调多个部门")
    request = request_escalation(actor=world.agent, work_order_id=wo.pk,
                                 application=EscalationApplication("major_failure", "故障"))
    entry = open_supervision(actor=world.manager, work_order_id=wo.pk, detail="督办",
                             working_days=3)
    _, world.users["sz_manager"] = make_staff("sz_manager", Role.MANAGER, world.sibling)
    outsider = api_for(world, "sz_manager")
    cases = [
        (f"/api/work-orders/{wo.pk}/plans/{plan.pk}/decision", {"is_approved": True},
         f"/api/work-orders/{wo.pk}/plans/999999/decision"),
        (f"/api/sla/extensions/{extension.pk}/decision", {"is_approved": True},
         "/api/sla/extensions/999999/decision"),
        (f"/api/escalation-requests/{request.pk}/decision", {"is_approved": True},
         "/api/escalation-requests/999999/decision"),
        (f"/api/supervision/{entry.pk}/reports", {"progress": "进展"},
         "/api/supervision/999999/reports"),
    ]
    for url, body, missing in cases:
        foreign, absent = answer(outsider, url, body), answer(outsider, missing, body)
        assert foreign[0] == 404 and foreign == absent, url
    plan.refresh_from_db()
    assert plan.approval_status == "pending"


def test_the_owner_reveals_without_a_reason_only_while_the_work_order_is_open(
        world: World, complaint: WorkOrder) -> None:
    actions.reveal_contact(actor=world.agent, work_order_id=complaint.pk)  # the owner, open
    WorkOrder.objects.filter(pk=complaint.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(RevealRefused):
        actions.reveal_contact(actor=world.agent, work_order_id=complaint.pk)
    assert AuditEntry.objects.filter(action="CHANGE_REFUSED",
                                     data__change="reveal_contact").exists()
    page = world.client_for("agent").get(f"/console/work-orders/{complaint.pk}/").content
    assert b'name="reason" placeholder' in page
