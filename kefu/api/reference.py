"""Categories and org units."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from kefu.api.auth import actor_of
from kefu.api.schemas import CategoryOut, UnitOut
from kefu.orgs.models import OrgUnit
from kefu.orgs.queries import list_units_in_scope
from kefu.workorders.models import Category
from kefu.workorders.queries import list_categories

router = Router()


@router.get("/categories", response=list[CategoryOut], summary="Complaint categories")
def categories(request: HttpRequest) -> list[Category]:
    return list(list_categories())


@router.get("/org-units", response=list[UnitOut], summary="Org units in my scope")
def org_units(request: HttpRequest) -> list[OrgUnit]:
    return list(list_units_in_scope(actor_of(request)))
