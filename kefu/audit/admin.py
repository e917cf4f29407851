
from django.contrib import admin

from kefu.audit.admin_configuration import ReadOnlyAdmin
from kefu.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, and only actions append to it."""

    list_display = ("seq", "at", "actor_name", "actor_role", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id",)

