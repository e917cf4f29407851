from django.contrib import admin

from kefu.orgs.models import Department, OrgUnit, Staff


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    readonly_fields = ("path",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind")
    list_filter = ("kind",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("display_name", "employee_no", "role", "unit", "department")
    list_filter = ("role",)
    search_fields = ("display_name", "employee_no")
