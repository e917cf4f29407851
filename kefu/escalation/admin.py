from django.contrib import admin

from kefu.escalation.models import SupervisionEntry


@admin.register(SupervisionEntry)
class SupervisionEntryAdmin(admin.ModelAdmin):
    list_display = ("work_order", "supervising_unit", "reason", "due_at", "opened_at",
                    "closed_at")
    list_filter = ("reason",)
