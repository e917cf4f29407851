"""One customer per mobile number across the operator (SPEC §15): an agent of any unit who
takes a call from a known number finds that customer, masked; the customer's portal shows
every work order of theirs; units still scope the work orders; duplicates from before are
merged by an audited command, after which the database keeps numbers unique."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from kefu.api.tokens import issue_api_token
from kefu.audit.models import AuditEntry
from kefu.audit.queries import verify_audit_chain
from kefu.customers.actions import CustomerDetails, create_customer
from kefu.customers.crypto import digest
from kefu.customers.models import Customer
from kefu.errors import Conflict
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.choices import Role
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import PHONE, World, intake, make_staff
from tests.test_portal import signed_in

pytestmark = pytest.mark.django_db


def sibling_agent(world: World) -> tuple[Actor, Client]:
    """An agent of Shenzhen, the sibling of the customer's city (Guangzhou)."""
    actor, user = make_staff("sibling_agent", Role.AGENT, world.sibling)
    client = Client()
    client.force_login(user)
    return actor, client


INTAKE_FORM = {
    "kind": "complaint", "channel": "phone", "call_id": "CALL-SZ-1", "title": "出差深圳信号差",
    "content": "在深圳南山区办公室手机无信号。", "customer_name": "张伟",
    "customer_phone": "138 1234 5678", "customer_id_number": "", "customer_address": "",
    "category": "", "severity": "normal",
}


def test_an_agent_of_another_unit_finds_the_customer_masked(world: World,
                                                            complaint: WorkOrder) -> None:
    _, client = sibling_agent(world)
    fragment = client.post("/console/customers/lookup/",
                           {"customer_phone": PHONE}).content.decode()
    assert "张*" in fragment and "138****5678" in fragment
    assert PHONE not in fragment and "张伟" not in fragment
    # Guangzhou's work order is not Shenzhen's to see, nor the customer page before it serves
    assert complaint.number not in fragment
    assert f"/console/customers/{world.customer.pk}/" not in fragment
    assert "新建客户" not in fragment
    done = client.post("/console/new/", {**INTAKE_FORM, "unit": str(world.sibling.pk)})
    assert done.status_code == 302
    wo = WorkOrder.objects.exclude(pk=complaint.pk).get()
    assert wo.customer_id == world.customer.pk and wo.unit_id == world.sibling.pk
    assert Customer.objects.count() == 1
    page = client.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "138****5678" in page and PHONE not in page
    # Now Shenzhen serves the customer: their page opens, with Shenzhen's work order only.
    served = client.get(f"/console/customers/{world.customer.pk}/").content.decode()
    assert wo.number in served and complaint.number not in served
    assert "138****5678" in served and PHONE not in served
    assert f"/console/customers/{world.customer.pk}/" in client.post(
        "/console/customers/lookup/", {"customer_phone": PHONE}).content.decode()


def test_the_api_and_the_action_reuse_the_customer(world: World) -> None:
    actor, _ = sibling_agent(world)
    wo, _ = actions.create_work_order(actor=actor, intake=intake(
        world, customer_id=None, unit_id=world.sibling.pk,
        customer=CustomerDetails(name="张伟", phone="+86 138-1234-5678")))
    assert wo.customer_id == world.customer.pk
    _, token = issue_api_token(actor=SYSTEM, user=world.users["agent"], name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    found = api.get("/api/customers", {"phone": PHONE}).json()
    assert [c["id"] for c in found] == [world.customer.pk]
    assert found[0]["phone"] == "138****5678"
    with pytest.raises(Conflict), transaction.atomic():
        create_customer(actor=SYSTEM, unit=world.sibling,
                        details=CustomerDetails(name="张三", phone=PHONE))
    assert Customer.objects.count() == 1


def test_the_portal_shows_the_work_orders_of_every_unit(world: World,
                                                        complaint: WorkOrder) -> None:
    actor, _ = sibling_agent(world)
    other, _ = actions.create_work_order(actor=actor, intake=intake(
        world, customer_id=None, unit_id=world.sibling.pk,
        customer=CustomerDetails(name="张伟", phone=PHONE)))
    home = signed_in(world).get("/portal/").content.decode()
    assert complaint.number in home and other.number in home


def test_a_shared_customer_does_not_widen_the_scope(world: World,
                                                    complaint: WorkOrder) -> None:
    actor, client = sibling_agent(world)
    other, _ = actions.create_work_order(actor=actor, intake=intake(
        world, customer_id=None, unit_id=world.sibling.pk,
        customer=CustomerDetails(name="张伟", phone=PHONE)))
    assert client.get(f"/console/work-orders/{complaint.pk}/").status_code == 404
    queue = client.get("/console/?view=all").content.decode()
    assert other.number in queue and complaint.number not in queue
    guangzhou = world.client_for("agent")
    assert guangzhou.get(f"/console/work-orders/{other.pk}/").status_code == 404
    page = guangzhou.get(f"/console/customers/{world.customer.pk}/").content.decode()
    assert complaint.number in page and other.number not in page
    assert world.client_for("sibling_handler").get(
        f"/console/work-orders/{complaint.pk}/").status_code == 404


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _duplicate(world: World, unit: Any, **fields: Any) -> Customer:
    """A second record of the customer's number, as intake made them before numbers were
    unique (the constraint is not there while this runs)."""
    return Customer.objects.create(name=fields.pop("name", "张伟"), phone=PHONE,
                                   phone_digest=digest(PHONE), unit=unit, **fields)


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_merged_audited_and_then_refused(world: World) -> None:
    before, after = ("customers", "0001_initial"), ("customers", "0002_one_customer_per_number")
    actor, _ = sibling_agent(world)
    _migrate(before)
    try:
        mine, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
        twin = _duplicate(world, world.sibling, level="gold")
        logged_in = _duplicate(world, world.sibling, name="张小伟")
        login = get_user_model().objects.create(username=f"customer-{logged_in.pk}")
        Customer.objects.filter(pk=logged_in.pk).update(user=login)
        theirs, _ = actions.create_work_order(actor=actor, intake=intake(
            world, customer_id=twin.pk, unit_id=world.sibling.pk))
        with pytest.raises(RuntimeError, match="merge-duplicates"):
            _migrate(after)
        call_command("customers", "merge-duplicates", "--dry-run")
        assert Customer.objects.count() == 3
        call_command("customers", "merge-duplicates")
    finally:
        _migrate(after)
    kept = Customer.objects.get()
    assert kept.pk == world.customer.pk and kept.level == "gold"
    assert kept.user_id == world.users["customer"].pk
    assert set(WorkOrder.objects.values_list("customer_id", flat=True)) == {kept.pk}
    entry = AuditEntry.objects.get(action="CUSTOMERS_MERGED")
    assert entry.object_id == str(kept.pk)
    assert entry.data["merged"] == [twin.pk, logged_in.pk]
    assert entry.data["moved"] == {"workorders.workorder": [theirs.pk]}
    assert entry.data["names_differed"] is True and PHONE not in str(entry.data)
    assert entry.data["logins_closed"] == [login.pk]
    login.refresh_from_db()
    assert not login.is_active
    call_command("customers", "merge-duplicates")  # nothing left to do
    assert AuditEntry.objects.filter(action="CUSTOMERS_MERGED").count() == 1
    assert verify_audit_chain().ok
    home = signed_in(world).get("/portal/").content.decode()
    assert mine.number in home and theirs.number in home
    with pytest.raises(IntegrityError), transaction.atomic():
        _duplicate(world, world.sibling)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_calls_from_one_number_make_one_customer(world: World) -> None:
    from tests.test_concurrency import run_together

    agents = [world.agent, sibling_agent(world)[0]]
    units = [world.city.pk, world.sibling.pk]

    def take(index: int) -> int:
        wo, _ = actions.create_work_order(actor=agents[index % 2], intake=intake(
            world, customer_id=None, unit_id=units[index % 2], title=f"来电 {index}",
            customer=CustomerDetails(name="钱多多", phone="13600001111")))
        return wo.customer_id

    results = run_together(6, take)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len(set(results)) == 1
    assert Customer.objects.filter(phone_digest=digest("13600001111")).count() == 1
    assert WorkOrder.objects.count() == 6
