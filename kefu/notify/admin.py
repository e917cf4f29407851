from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.notify.models import DeliveryAttempt, OutboxMessage


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("at", "is_success", "error", "duration_ms")
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "template", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "template")
    # The sealed copy is the only place a bearer secret is kept: never on a page.
    exclude = ("recipient", "sealed_body", "sealed_secrets")
    readonly_fields = ("channel", "template", "language", "subject", "body", "work_order_id",
                       "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
