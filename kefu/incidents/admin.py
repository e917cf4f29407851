from django.contrib import admin

from kefu.incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Readable here; every change goes through the console or the API, with its record."""

    list_display = ("number", "title", "level", "kind", "unit", "detected_at", "status",
                    "is_drill")
    list_filter = ("status", "level", "kind", "is_drill")
    search_fields = ("number", "title")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
