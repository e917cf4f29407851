from django.contrib import admin

from kefu.audit.admin_configuration import AuditedConfigurationAdmin, ReadOnlyAdmin
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
class ReturnVisitAdmin(ReadOnlyAdmin):
    list_display = ("work_order", "unit", "scheduled_at", "status", "due_at", "attempts",
                    "is_satisfied", "is_resolved")
    list_filter = ("status",)



@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    """Answers are the customer's: readable here, never edited."""

    list_display = ("work_order", "sent_at", "responded_at", "response_channel", "csat", "nps")
    list_filter = ("response_channel",)
    exclude = ("nonce",)



@admin.register(SamplingTally)
class SamplingTallyAdmin(ReadOnlyAdmin):
    list_display = ("unit", "month", "category_key", "closed", "visited")
    list_filter = ("month",)


@admin.register(ReopenProposal)
class ReopenProposalAdmin(ReadOnlyAdmin):
    list_display = ("work_order", "status", "proposed_at", "decided_by_name", "decided_at")
    list_filter = ("status",)
