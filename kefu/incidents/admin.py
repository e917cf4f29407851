from django.contrib import admin

from kefu.audit.admin_configuration import ReadOnlyAdmin
from kefu.incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Readable here; every change goes through the console or the API, with its record."""

    list_display = ("number", "title", "level", "kind", "unit", "detected_at", "status",
                    "is_drill")
    list_filter = ("status", "level", "kind", "is_drill")
    search_fields = ("number", "title")

