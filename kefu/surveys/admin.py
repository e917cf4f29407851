from django.contrib import admin

from kefu.audit.admin_configuration import AuditedConfigurationAdmin
from kefu.surveys.models import ReturnVisit, ReturnVisitPolicy, Survey


@admin.register(ReturnVisitPolicy)
class ReturnVisitPolicyAdmin(AuditedConfigurationAdmin):
    list_display = ("unit", "category", "normal_share", "working_days", "on_dissatisfied")


@admin.register(ReturnVisit)
class ReturnVisitAdmin(admin.ModelAdmin):
    list_display = ("work_order", "status", "due_at", "attempts", "is_satisfied", "is_resolved")
    list_filter = ("status",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Answers are the customer's: readable here, never edited."""

    list_display = ("work_order", "sent_at", "responded_at", "response_channel", "csat", "nps")
    list_filter = ("response_channel",)
    exclude = ("nonce",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
