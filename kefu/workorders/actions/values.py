"""Checked values the work order actions share: a category, a severity the actor may set, a
member of staff within the work order's unit."""

from __future__ import annotations

from kefu.errors import InvalidInput
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit, Staff
from kefu.orgs.queries import is_unit_in_scope
from kefu.workorders.choices import Severity
from kefu.workorders.models import Category
from kefu.workorders.permissions import can_set_severity
from kefu.workorders.steps import choice


def staff_in_scope(actor: Actor, staff_id: int, unit: OrgUnit) -> Staff:
    """A member of staff who works in `unit` or below it, within the actor's scope."""
    try:
        staff = Staff.objects.select_related("unit").get(pk=staff_id)
    except Staff.DoesNotExist:
        raise InvalidInput("处理人不存在", "No such member of staff",
                           fields={"handler_id": ["不存在 / unknown"]}) from None
    if not staff.unit.path.startswith(unit.path) or not is_unit_in_scope(actor, staff.unit):
        raise InvalidInput("处理人不在该工单的责任单位内",
                           "The handler is outside the work order's unit",
                           fields={"handler_id": ["范围外 / out of scope"]})
    return staff


def active_category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    try:
        return Category.objects.get(pk=category_id, is_active=True)
    except Category.DoesNotExist:
        raise InvalidInput("分类不存在", "Unknown category",
                           fields={"category_id": ["不存在 / unknown"]}) from None


def allowed_severity(actor: Actor, severity: str) -> str:
    choice(severity, Severity, "severity")
    can_set_severity(actor, severity).enforce()
    return severity
