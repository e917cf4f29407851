"""A breach escalates to the superior unit (SPEC §15): the parent of the responsible unit in
the org tree — a district's breach goes to its city, a city's to its province — the tier
follows the unit, and the supervision entry names a person of that unit (its duty supervisor,
configurable), never "system"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import PermissionRefused
from kefu.escalation.actions import set_duty_supervisor
from kefu.escalation.models import SupervisionEntry
from kefu.jobs import sweep
from kefu.orgs.choices import Role
from kefu.sla.models import SlaClock
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from kefu.workorders.perform import perform_transition
from tests.conftest import World, intake, make_staff

pytestmark = pytest.mark.django_db


def breached(world: World, unit_id: int) -> WorkOrder:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, unit_id=unit_id, received_at=timezone.now() - timedelta(hours=30)))
    start = SlaClock.objects.get(work_order=wo, clock="start_handling")
    sweep(start.deadline + timedelta(seconds=1))
    wo.refresh_from_db()
    return wo


def test_a_districts_breach_goes_to_its_city_and_the_tier_follows(world: World) -> None:
    wo = breached(world, world.district.pk)
    assert wo.unit_id == world.city.pk
    assert wo.tier == world.city.tier == 3
    entry = SupervisionEntry.objects.get(work_order=wo, reason="sla_breach")
    assert entry.supervising_unit_id == world.city.pk
    # Nobody configured: the city's supervisor is named.
    assert entry.supervisor_id == world.supervisor.staff_id
    assert entry.supervisor_name == world.supervisor.name != "system"


def test_a_citys_breach_goes_to_its_province(world: World) -> None:
    wo = breached(world, world.city.pk)
    assert (wo.unit_id, wo.tier) == (world.province.pk, 2)
    entry = SupervisionEntry.objects.get(work_order=wo, reason="sla_breach")
    # The province has no supervisor: its manager is named.
    assert entry.supervisor_id == world.manager.staff_id


def test_the_configured_duty_supervisor_is_named_and_the_setting_is_audited(
        world: World) -> None:
    duty, _ = make_staff("duty_city", Role.SUPERVISOR, world.city)
    with pytest.raises(PermissionRefused):
        set_duty_supervisor(actor=world.supervisor, unit_id=world.city.pk,
                            staff_id=duty.staff_id)
    set_duty_supervisor(actor=world.admin, unit_id=world.city.pk, staff_id=duty.staff_id)
    entry = SupervisionEntry.objects.get(work_order=breached(world, world.district.pk))
    assert (entry.supervisor_id, entry.supervisor_name) == (duty.staff_id, "duty_city")
    logged = AuditEntry.objects.get(action="DUTY_SUPERVISOR_SET")
    assert logged.data["before"] is None and logged.data["after"] == duty.staff_id


def test_a_serious_complaint_is_supervised_by_a_named_person_of_the_superior_unit(
        world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, unit_id=world.district.pk))
    perform_transition(actor=world.supervisor, work_order_id=wo.pk, name="classify",
                       values={"category_id": world.category.pk, "severity": "major"})
    entry = SupervisionEntry.objects.get(work_order=wo, reason="major_severity")
    assert entry.supervising_unit_id == world.city.pk
    assert entry.supervisor_id == world.supervisor.staff_id
