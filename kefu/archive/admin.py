from django.contrib import admin

from kefu.archive.models import LegalHold, RetentionPolicy
from kefu.audit.admin_configuration import AuditedConfigurationAdmin, ReadOnlyAdmin


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuditedConfigurationAdmin):
    """At least three years (the form refuses less); applies from the next retention run."""

    list_display = ("work_order_kind", "years", "action")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    """Read-only: holds are set and lifted in the console or API, with a reason."""

    list_display = ("work_order", "reason", "set_by_name", "set_at", "lifted_at")

