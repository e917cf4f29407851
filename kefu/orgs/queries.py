"""Reads of the organisation, and the one place data scope is decided."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit, Staff


def list_units_in_scope(actor: Actor) -> QuerySet[OrgUnit]:
    """The actor's own unit and every unit below it; nothing for customers."""
    if actor.is_system:
        return OrgUnit.objects.all()
    if not actor.is_staff:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=actor.unit_path)


def unit_ids_in_scope(actor: Actor) -> list[int]:
    return list(list_units_in_scope(actor).values_list("id", flat=True))


def is_unit_in_scope(actor: Actor, unit: OrgUnit) -> bool:
    return actor.is_system or (actor.is_staff and unit.path.startswith(actor.unit_path))


def get_unit(actor: Actor, unit_id: int) -> OrgUnit:
    """A unit in the actor's scope; raises OrgUnit.DoesNotExist otherwise."""
    return list_units_in_scope(actor).get(pk=unit_id)


def list_staff_in_scope(actor: Actor) -> QuerySet[Staff]:
    return Staff.objects.filter(unit__in=list_units_in_scope(actor)).select_related("unit", "user")


def get_staff(actor: Actor, staff_id: int) -> Staff:
    return list_staff_in_scope(actor).get(pk=staff_id)


def unit_for_tier(unit: OrgUnit, tier: int) -> OrgUnit | None:
    """The unit that answers at `tier` (001 §7.2) for a matter of `unit`: the unit itself at
    its own tier, else the ancestor at that tier; None when the tier is below the unit's or
    no ancestor has it."""
    if tier == unit.tier:
        return unit
    if tier > unit.tier:
        return None
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    for ancestor in OrgUnit.objects.filter(pk__in=ancestor_ids).order_by("-path"):
        if ancestor.tier == tier:
            return ancestor
    return None
