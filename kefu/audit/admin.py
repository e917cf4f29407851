from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, and only actions append to it."""

    list_display = ("seq", "at", "actor_name", "actor_role", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
