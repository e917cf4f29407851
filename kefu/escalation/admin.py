from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.audit.admin_configuration import SavedByActionsAdmin
from kefu.escalation.actions import set_duty_supervisor
from kefu.escalation.models import DutySupervisor, SupervisionEntry
from kefu.orgs.actors import actor_for_admin


@admin.register(SupervisionEntry)
class SupervisionEntryAdmin(admin.ModelAdmin):
    list_display = ("work_order", "supervising_unit", "reason", "supervisor_name", "due_at",
                    "opened_at", "closed_at")
    list_filter = ("reason",)


@admin.register(DutySupervisor)
class DutySupervisorAdmin(SavedByActionsAdmin):
    """Edits go through the action, so each one is checked and audited."""

    list_display = ("unit", "staff")
    fields = ("unit", "staff")

    def save_model(self, request: HttpRequest, obj: DutySupervisor, form: Any,
                   change: bool) -> None:
        set_duty_supervisor(actor=actor_for_admin(request.user), unit_id=obj.unit_id,
                            staff_id=obj.staff_id)
        obj.pk = DutySupervisor.objects.get(unit_id=obj.unit_id).pk

    def delete_model(self, request: HttpRequest, obj: DutySupervisor) -> None:
        set_duty_supervisor(actor=actor_for_admin(request.user), unit_id=obj.unit_id,
                            staff_id=None)
