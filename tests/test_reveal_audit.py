"""A reveal of personal data is audited with what was revealed: the fields, who, why and when
(SPEC §15, 001 §4.5.2)."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.audit.queries import verify_audit_chain
from kefu.customers.actions import reveal_customer
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_customer_reveal_names_the_fields_the_reason_and_the_person(world: World) -> None:
    reveal_customer(actor=world.supervisor, customer_id=world.customer.pk, reason="核实身份信息")
    entry = AuditEntry.objects.get(action="PERSONAL_DATA_REVEALED")
    assert entry.object_type == "customer" and entry.object_id == str(world.customer.pk)
    assert entry.data["fields"] == ["name", "phone", "id_number", "address", "email"]
    assert entry.data["reason"] == "核实身份信息"
    assert entry.actor_name == world.supervisor.name and entry.actor_role == "supervisor"
    assert entry.at is not None
    assert verify_audit_chain().ok


def test_a_contact_reveal_for_a_work_order_names_the_contact_fields_too(
        world: World, complaint: object) -> None:
    wo = actions.reveal_contact(actor=world.supervisor, work_order_id=complaint.pk,  # type: ignore[attr-defined]
                                reason="回拨客户核实")
    entry = AuditEntry.objects.get(action="PERSONAL_DATA_REVEALED")
    assert entry.data["work_order"] == wo.number
    assert {"contact_name", "contact_phone", "phone", "id_number"} <= set(entry.data["fields"])
    assert entry.data["reason"] == "回拨客户核实"
    event = TimelineEvent.objects.get(work_order=wo, event_type="contact_revealed")
    assert event.data["fields"] == entry.data["fields"]
    assert not event.is_customer_visible
