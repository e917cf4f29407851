"""Reads of the organisation, and the one place data scope is decided."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit, Staff, tier_of_level


def list_units_in_scope(actor: Actor) -> QuerySet[OrgUnit]:
    """The actor's own unit and every unit below it; nothing for customers."""
    if actor.is_system:
        return OrgUnit.objects.all()
    if not actor.is_staff:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=actor.unit_path)


def unit_line(path: str) -> list[str]:
    """The paths of a unit and of every unit above it, from its own path ("1/3/7/")."""
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


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


# unit id → (parent id, response tier): the tree as the escalation rules walk it.
UnitTree = dict[int, tuple[int | None, int]]


def unit_tree(units: QuerySet[OrgUnit] | None = None) -> UnitTree:
    rows = (units if units is not None else OrgUnit.objects.all()).values_list(
        "id", "parent_id", "level")
    return {pk: (parent, tier_of_level(level)) for pk, parent, level in rows}


def ancestor_at_tier(tree: UnitTree, unit_id: int, tier: int) -> int | None:
    """The unit that answers at `tier` (001 §7.2) for a matter of `unit_id`: the unit itself
    at its own tier, else the nearest ancestor at that tier; None when there is none (a tier
    below the unit's)."""
    current: int | None = unit_id
    while current is not None and current in tree:
        parent, unit_tier = tree[current]
        if unit_tier == tier:
            return current
        current = parent
    return None


def unit_for_tier(unit: OrgUnit, tier: int) -> OrgUnit | None:
    """`ancestor_at_tier` for one unit, reading only its ancestors."""
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    found = ancestor_at_tier(unit_tree(OrgUnit.objects.filter(pk__in=ancestor_ids)),
                             unit.pk, tier)
    if found is None or found == unit.pk:
        return None if found is None else unit
    return OrgUnit.objects.get(pk=found)
