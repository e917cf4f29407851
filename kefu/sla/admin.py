from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.audit.admin_configuration import AuditedConfigurationAdmin, SavedByActionsAdmin
from kefu.orgs.actors import Actor, actor_for_admin
from kefu.sla.actions import set_calendar_override
from kefu.sla.models import CalendarOverride, PublishedSchedule, SlaPolicy


def _actor(request: HttpRequest) -> Actor:
    return actor_for_admin(request.user)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SavedByActionsAdmin):
    """Edits go through the action, so each one is checked and audited."""

    list_display = ("day", "is_workday", "name", "notice", "created_by_name", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
    fields = ("day", "is_workday", "name", "notice")

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any,
                   change: bool) -> None:
        saved = set_calendar_override(actor=_actor(request), day=obj.day,
                                      is_workday=obj.is_workday, notice=obj.notice,
                                      name=obj.name)
        obj.pk = saved.pk


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedConfigurationAdmin):
    """Time limits per kind × category × severity × channel; the most specific match wins.
    A change applies to clocks started after it."""

    list_display = ("clock", "work_order_kind", "category", "severity", "channel", "amount",
                    "unit", "warn_percent", "is_active", "source")
    list_filter = ("clock", "unit", "is_active")


@admin.register(PublishedSchedule)
class PublishedScheduleAdmin(admin.ModelAdmin):
    list_display = ("year", "notice", "loaded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # loaded with `kefu calendar import`, which recomputes open clocks
