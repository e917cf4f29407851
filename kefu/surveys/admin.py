from django.contrib import admin

from kefu.audit.admin_configuration import AuditedConfigurationAdmin
from kefu.surveys.models import (
    ReopenProposal,
    ReturnVisit,
    ReturnVisitPolicy,
    SamplingTally,
    Survey,
)


@admin.register(ReturnVisitPolicy)
class ReturnVisitPolicyAdmin(AuditedConfigurationAdmin):
    list_display = ("unit", "category", "normal_share", "working_days", "on_dissatisfied")


@admin.register(ReturnVisit)
class ReturnVisitAdmin(admin.ModelAdmin):
    list_display = ("work_order", "unit", "scheduled_at", "status", "due_at", "attempts",
                    "is_satisfied", "is_resolved")
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the actions only; readable here."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SamplingTally)
class SamplingTallyAdmin(ReadOnlyAdmin):
    list_display = ("unit", "month", "category_key", "closed", "visited")
    list_filter = ("month",)


@admin.register(ReopenProposal)
class ReopenProposalAdmin(ReadOnlyAdmin):
    list_display = ("work_order", "status", "proposed_at", "decided_by_name", "decided_at")
    list_filter = ("status",)
