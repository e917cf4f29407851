from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.orgs.choices import DepartmentKind, Role, UnitLevel


class OrgUnit(models.Model):
    """A unit of the operator: HQ, a province company, a city branch or a district."""

    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级单位"),
    )
    # Materialised ancestry ("1/4/9/"): a unit's subtree is one prefix match, which keeps the
    # data-scope query a single indexed lookup however deep the tree is.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def tier(self) -> int:
        return tier_of_level(self.level)


def tier_of_level(level: str) -> int:
    """Response tier of 001 §7.2: 1 HQ, 2 province, 3 city and district."""
    return {UnitLevel.HQ: 1, UnitLevel.PROVINCE: 2}.get(UnitLevel(level), 3)


class Department(models.Model):
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="departments", verbose_name=_("单位")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=DepartmentKind.choices)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="department_unique_kind_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.name}"


class Staff(models.Model):
    """A member of staff: a login, the unit whose records they see, and their role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("单位")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("部门"),
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=50)
    employee_no = models.CharField(_("工号"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.employee_no})"
