
from django.contrib import admin

from kefu.audit.admin_configuration import AuditedConfigurationAdmin, ReadOnlyAdmin
from kefu.workorders.models import Category, CompensationApprovalRule, WorkOrder


@admin.register(Category)
class CategoryAdmin(AuditedConfigurationAdmin):
    list_display = ("code", "name", "name_en", "parent", "is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "name_en")


@admin.register(CompensationApprovalRule)
class CompensationApprovalRuleAdmin(AuditedConfigurationAdmin):
    list_display = ("approver_role", "amount_above")


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    """Read-only: work orders change only through their actions (console or API)."""

    list_display = ("number", "kind", "status", "severity", "channel", "unit", "received_at")
    list_filter = ("kind", "status", "severity", "channel")
    search_fields = ("number",)
    exclude = ("contact_name", "contact_phone")
    show_full_result_count = False

