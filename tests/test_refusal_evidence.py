"""Refusals are evidence (SPEC §15): an attempt refused for lack of permission, or on an
archived record, is in the audit log with actor, action, object and reason, although the
change itself rolls back."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from kefu.api.tokens import issue_api_token
from kefu.archive.actions import set_legal_hold
from kefu.audit.models import AuditEntry
from kefu.audit.queries import verify_audit_chain
from kefu.customers.actions import reveal_customer
from kefu.customers.errors import RevealRefused
from kefu.errors import NotFound, PermissionRefused
from kefu.orgs.actors import SYSTEM
from kefu.workorders import actions
from kefu.workorders.errors import ArchivedRecord
from kefu.workorders.models import WorkOrder
from kefu.workorders.perform import perform_transition
from tests.conftest import World, make_staff

pytestmark = pytest.mark.django_db


def refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="CHANGE_REFUSED").order_by("seq"))


def test_an_agent_setting_a_major_severity_is_refused_and_on_record(
        world: World, complaint: WorkOrder) -> None:
    with pytest.raises(PermissionRefused):
        perform_transition(actor=world.agent, work_order_id=complaint.pk, name="classify",
                           values={"category_id": world.category.pk, "severity": "major"})
    complaint.refresh_from_db()
    assert complaint.status == "received" and complaint.severity == "normal"
    [entry] = refusals()
    assert (entry.actor_name, entry.actor_role) == (world.agent.name, "agent")
    assert (entry.object_type, entry.object_id) == ("work_order", str(complaint.pk))
    assert entry.data["change"] == "classify_work_order"
    assert entry.data["code"] == "permission_refused" and "重大" in entry.data["reason"]
    assert verify_audit_chain().ok


def test_a_change_to_an_archived_record_is_refused_and_on_record(
        world: World, complaint: WorkOrder) -> None:
    WorkOrder.objects.filter(pk=complaint.pk).update(status="archived",
                                                     archived_at=timezone.now())
    with pytest.raises(ArchivedRecord):
        actions.add_note(actor=world.supervisor, work_order_id=complaint.pk, note="补记")
    [entry] = refusals()
    assert entry.data["change"] == "add_note" and entry.data["code"] == "archived"
    assert entry.object_id == str(complaint.pk) and entry.actor_role == "supervisor"


def test_refusals_outside_the_work_order_kernel_are_on_record(
        world: World, complaint: WorkOrder) -> None:
    with pytest.raises(RevealRefused):
        reveal_customer(actor=world.agent, customer_id=world.customer.pk, reason="核实身份信息")
    with pytest.raises(PermissionRefused):
        set_legal_hold(actor=world.agent, work_order_id=complaint.pk, reason="客户起诉")
    assert [(e.data["change"], e.object_type) for e in refusals()] == [
        ("reveal_customer", "customer"), ("set_legal_hold", "work_order")]


def test_a_refusal_through_the_api_is_on_record_and_an_unknown_record_is_not(
        world: World, complaint: WorkOrder) -> None:
    _, plain = issue_api_token(actor=SYSTEM, user=world.users["handler"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    refused = api.post(f"/api/work-orders/{complaint.pk}/assign",
                       data=json.dumps({"handler_id": world.handler.staff_id}),
                       content_type="application/json")
    assert refused.status_code == 403
    assert [e.data["change"] for e in refusals()] == ["assign_work_order"]
    # Out of scope is "not found", not a refusal: the log does not confirm the record exists.
    outsider, _ = make_staff("sz_agent", "agent", world.sibling)
    with pytest.raises(NotFound):
        actions.add_note(actor=outsider, work_order_id=complaint.pk, note="越权")
    assert len(refusals()) == 1
