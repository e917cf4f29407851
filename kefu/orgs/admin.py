from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.orgs.actions import create_org_unit
from kefu.orgs.choices import UnitLevel
from kefu.orgs.models import Department, OrgUnit, Staff


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """Units are added here; moving one under another parent would change the scope of
    everyone in its subtree, so the parent is fixed once the unit exists."""

    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: OrgUnit | None = None) -> Any:
        return ("path", "parent", "level") if obj else ("path",)

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name", "name_en", "code"])
            return
        created = create_org_unit(name=obj.name, name_en=obj.name_en, code=obj.code,
                                  level=UnitLevel(obj.level), parent=obj.parent)
        obj.pk, obj.path = created.pk, created.path


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind")
    list_filter = ("kind",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("display_name", "employee_no", "role", "unit", "department")
    list_filter = ("role",)
    search_fields = ("display_name", "employee_no")
