"""Writes to the organisation tree (used by the seeder and the admin's setup)."""

from __future__ import annotations

from django.db import transaction

from kefu.orgs.choices import UnitLevel
from kefu.orgs.models import OrgUnit


@transaction.atomic
def create_org_unit(
    *, name: str, code: str, level: UnitLevel, parent: OrgUnit | None = None, name_en: str = ""
) -> OrgUnit:
    """Create a unit under `parent` and fix its materialised path."""
    unit = OrgUnit.objects.create(name=name, name_en=name_en, code=code, level=level,
                                  parent=parent, path="")
    unit.path = f"{parent.path if parent else ''}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit
